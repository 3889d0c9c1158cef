// The engine's metrics as families (engine/metric-family.ts): its state and journal
// faults, watermarks, sequencer counters, fsync latency, rings, journal size and retention. Names follow
// Prometheus conventions (units in the name, counters end in _total); README.md
// lists each one.

import type { EngineMetrics } from './engine-port.js'
import { counter, gauge, type MetricFamily } from './metric-family.js'
import { EngineState } from './engine-state.js'

export function engineMetricFamilies(e: EngineMetrics): MetricFamily[] {
  const f: MetricFamily[] = [
    {
      name: 'ordo_engine_state',
      help: 'The engine\'s state: 1 for the current one (journal-failed: publishes refused, the journal retries; failed: restart needed).',
      type: 'gauge',
      samples: Object.values(EngineState).map((s) => ({ value: s === e.state ? 1 : 0, labels: { state: s } })),
    },
    counter('ordo_journal_faults_total', 'Times the journal stopped writing (a full disk, an I/O error) since start.', e.journalFaults),
    counter('ordo_journal_retry_failures_total', 'Retries of a stopped journal that failed since start.', e.journalRetryFailures),
    gauge('ordo_sequenced_gsn', 'Highest gsn given out by the sequencer.', e.sequencedGsn),
    gauge('ordo_durable_gsn', 'Highest gsn on stable storage (the durable watermark).', e.durableGsn),
    gauge('ordo_durable_lag_messages', 'Messages sequenced but not yet durable (sequenced gsn minus durable gsn).', Math.max(0, e.sequencedGsn - e.durableGsn)),
    gauge('ordo_stable_gsn', 'Stability watermark: every durable subscription acknowledged up to this gsn (the durable gsn when there is none).', e.stableGsn ?? e.durableGsn),
    gauge('ordo_durable_subscriptions', 'Durable subscriptions the engine keeps.', e.durableSubscriptions ?? 0),
    counter('ordo_messages_sequenced_total', 'Messages sequenced.', e.messagesSequenced),
    counter('ordo_batches_sequenced_total', 'Batches closed by the sequencer.', e.batchesSequenced),
    gauge('ordo_batch_mean_messages', 'Mean messages per sequenced batch.', e.meanBatchMessages),
    counter('ordo_duplicates_total', 'Resends answered with their original gsn.', e.duplicates),
    counter('ordo_sequencer_rejects_total', 'Messages refused by the sequencer.', e.rejects),
    counter('ordo_fsyncs_total', 'fsync calls of the journal.', e.fsyncs),
    {
      name: 'ordo_fsync_latency_seconds',
      help: 'Latency of journal fsyncs (buckets up to 10 s: a stalling disk shows here).',
      type: 'histogram',
      series: [{ buckets: e.fsyncLatencyBuckets, sum: e.fsyncLatencySumSeconds, count: e.fsyncs }],
    },
    {
      name: 'ordo_ring_used_bytes',
      help: 'Bytes in use in each shared-memory ring.',
      type: 'gauge',
      samples: e.ringOccupancy.map((r) => ({ value: r.usedBytes, labels: { ring: r.name } })),
    },
    {
      name: 'ordo_ring_capacity_bytes',
      help: 'Capacity of each shared-memory ring.',
      type: 'gauge',
      samples: e.ringOccupancy.map((r) => ({ value: r.capacityBytes, labels: { ring: r.name } })),
    },
    gauge('ordo_groups', 'Groups known to the engine.', e.groups ?? 0),
  ]
  const j = e.journal
  f.push(
    gauge('ordo_journal_bytes', 'Bytes of the journal on disk (segments and indexes; 0 in memory mode).', j?.bytes ?? 0),
    gauge('ordo_journal_segments', 'Segment files in the journal.', j?.segments ?? 0),
    gauge('ordo_journal_oldest_gsn', 'Oldest gsn still in the journal (0: empty or memory mode).', j?.oldestGsn ?? 0),
    counter('ordo_journal_appended_bytes_total', 'Bytes appended to the journal since start.', j?.appendedBytes ?? 0),
    counter('ordo_retention_removed_segments_total', 'Journal segments deleted by retention since start.', j?.retentionRemovedSegments ?? 0),
    counter('ordo_retention_removed_bytes_total', 'Journal bytes deleted by retention since start.', j?.retentionRemovedBytes ?? 0),
  )
  return f
}
