// What the engine tells an operator, on the main thread: the log events of its life
// (open and recovery, segments removed by retention, a stage's warning, a failed journal
// or stage) and the retention totals the metrics add up. The pipeline (pipeline.ts) calls
// it as the stages report; the logger is EngineOptions.logger, silent by default.

import type { Logger } from './logger.js'
import type { StageFailedError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import type { RecoveryReport } from './journal/recovery.js'
import type { RetentionReport } from './journal/retention.js'
import type { ScanReport } from './stages/sequencer/recovery-scan.js'

/** Segments and bytes retention deleted since the engine opened. */
export interface RetentionTotals {
  segments: number
  bytes: number
}

export class EngineReports {
  readonly retentionRemoved: RetentionTotals = { segments: 0, bytes: 0 }
  private failed = false

  constructor(readonly log: Logger) {}

  /** The engine takes traffic: its mode and, with a journal, what recovery found. */
  opened(o: ResolvedOptions, durableGsn: number, recovery: RecoveryReport | null, scan: ScanReport | null): void {
    if (o.durability === 'memory') {
      this.log.warn({ event: 'engine_open', durability: 'memory' }, 'memory mode: nothing is written to disk (tests and benchmarks only)')
      return
    }
    this.log.info(
      { event: 'engine_open', dataDir: o.dataDir, durability: o.durability, durableGsn, retention: o.retention ?? null },
      'engine open',
    )
    this.log.info({ event: 'journal_recovered', recovery, scan }, 'journal recovered')
  }

  /** The sequencer thread's retention run deleted segments. */
  retention(r: RetentionReport): void {
    this.retentionRemoved.segments += r.deletedSegments
    this.retentionRemoved.bytes += r.deletedBytes
    this.log.info(
      { event: 'retention_removed', segments: r.deletedSegments, bytes: r.deletedBytes, oldestGsn: r.firstGsn, retainedBytes: r.retainedBytes, stoppedBy: r.stoppedBy },
      'retention removed old journal segments',
    )
  }

  warning(message: string): void {
    this.log.warn({ event: 'stage_warning', detail: message }, 'engine warning')
  }

  /** A stage failed for good (logged once: the hook an operator's alerting keys on). */
  stageFailed(err: StageFailedError): void {
    if (this.failed) return
    this.failed = true
    this.log.error({ event: 'journal_failed', code: err.code, err: err.message }, 'journal failed: new publishes are refused, what is durable is still served')
  }
}
