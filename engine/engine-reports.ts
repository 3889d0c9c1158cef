// What the engine tells an operator, on the main thread: the log events of its life
// (open and recovery, segments removed by retention, a stage's warning, and every change
// of its state: journal_failed, journal_retry_failed, journal_resumed, engine_failed)
// and the retention totals the metrics add up. The pipeline (pipeline.ts) calls it as
// the stages report, the engine hands it its state changes (engine-state.ts); the logger
// is EngineOptions.logger, silent by default.

import type { Logger } from './logger.js'
import type { EngineEvent } from './engine-state.js'
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

  /**
   * A change of the engine's state, one line each: journal_failed and engine_failed at
   * error (the lines an operator's alerting keys on), journal_retry_failed at warn,
   * journal_resumed at info. engine_closed is not logged (the caller logs its shutdown).
   */
  stateChanged(e: EngineEvent): void {
    const f = e.status.fault
    // The event's message goes out as `err`, as in every other error line.
    const { message, ...facts } = e.fields
    const fields = message === undefined ? { event: e.event, state: e.status.state, ...facts } : { event: e.event, state: e.status.state, ...facts, err: message }
    switch (e.event) {
      case 'journal_failed':
        this.log.error(
          { ...fields, action: f?.action },
          'journal cannot write: new publishes are refused, what is durable is still served; it retries by itself',
        )
        return
      case 'journal_retry_failed':
        this.log.warn(fields, 'journal retry failed')
        return
      case 'journal_resumed':
        this.log.info(fields, 'journal writes again: publishes are taken')
        return
      case 'engine_failed':
        this.log.error(
          { ...fields, action: f?.action },
          'engine failed: new publishes are refused until a restart, what is durable is still served',
        )
        return
      case 'engine_closed':
        return
    }
  }
}
