// The gateway's counters and the /metrics page. Counters are plain numbers
// bumped on the hot path (no allocation, no labels there); labels and text are
// made only when Prometheus scrapes. Errors are counted per wire code in a
// typed array indexed by code.

import type { EngineMetrics } from '../engine/engine-port.js'
import { ERROR_CODES } from '../codec/error-codes.js'
import { EngineState } from '../engine/engine-state.js'
import { PrometheusText } from './prometheus-text.js'

export class GatewayCounters {
  connectionsOpened = 0
  connectionsClosed = 0
  framesIn = 0
  framesOut = 0
  bytesIn = 0
  bytesOut = 0
  messagesIn = 0
  messagesOut = 0
  publishAcks = 0
  httpPublishes = 0
  slowConsumerPauses = 0
  slowConsumerResumes = 0
  slowConsumerDisconnects = 0
  ingressBackPressured = 0
  /** Error frames (and HTTP refusals) sent, by wire code. */
  readonly errorsByCode = new Float64Array(64)

  countError(code: number): void {
    if (code >= 0 && code < this.errorsByCode.length) this.errorsByCode[code]!++
  }
}

/** One subscription's lag, for the per-subscriber gauge. */
export interface SubscriberLag {
  connection: number
  subscription: number
  /** Messages sequenced but not yet handed to this subscriber (by gsn distance). */
  lag: number
  paused: boolean
}

export interface GatewayGauges {
  connections: number
  subscriptions: number
  pausedSubscriptions: number
  /** Worst lags first; the page shows at most maxLagSeries of them. */
  lags: SubscriberLag[]
}

/** Most per-subscriber lag series on one page (cardinality bound). */
export const MAX_LAG_SERIES = 100

export function renderMetrics(c: GatewayCounters, g: GatewayGauges, e: EngineMetrics | null): string {
  const t = new PrometheusText()
  t.single('ordo_connections', 'gauge', 'Open WebSocket connections.', g.connections)
  t.single('ordo_connections_opened_total', 'counter', 'WebSocket connections accepted since start.', c.connectionsOpened)
  t.single('ordo_connections_closed_total', 'counter', 'WebSocket connections closed since start.', c.connectionsClosed)
  t.single('ordo_subscriptions', 'gauge', 'Active subscriptions over all connections.', g.subscriptions)
  t.single('ordo_subscriptions_paused', 'gauge', 'Subscriptions held back by a full send buffer (slow consumers).', g.pausedSubscriptions)
  t.single('ordo_frames_in_total', 'counter', 'WebSocket frames received.', c.framesIn)
  t.single('ordo_frames_out_total', 'counter', 'WebSocket frames sent.', c.framesOut)
  t.single('ordo_bytes_in_total', 'counter', 'Bytes of WebSocket frames received.', c.bytesIn)
  t.single('ordo_bytes_out_total', 'counter', 'Bytes of WebSocket frames sent.', c.bytesOut)
  t.single('ordo_messages_in_total', 'counter', 'Messages received in Publish frames and POST /publish.', c.messagesIn)
  t.single('ordo_messages_out_total', 'counter', 'Messages sent in Deliver frames.', c.messagesOut)
  t.single('ordo_publish_acks_total', 'counter', 'Messages acknowledged to publishers (durable).', c.publishAcks)
  t.single('ordo_http_publishes_total', 'counter', 'Messages published through POST /publish.', c.httpPublishes)
  t.single('ordo_slow_consumer_pauses_total', 'counter', 'Times a subscription was paused for a full send buffer.', c.slowConsumerPauses)
  t.single('ordo_slow_consumer_resumes_total', 'counter', 'Times a paused subscription resumed.', c.slowConsumerResumes)
  t.single('ordo_slow_consumer_disconnects_total', 'counter', 'Connections closed with SLOW_CONSUMER.', c.slowConsumerDisconnects)
  t.single('ordo_ingress_back_pressured_total', 'counter', 'Publish frames held because the engine ingress was full.', c.ingressBackPressured)
  t.family('ordo_errors_total', 'counter', 'Error frames and HTTP refusals sent, by wire error code.')
  for (const info of ERROR_CODES) t.sample('ordo_errors_total', c.errorsByCode[info.code]!, { code: info.code, name: info.name })
  t.family('ordo_subscriber_lag_messages', 'gauge', 'Sequenced messages not yet sent to a subscriber (worst subscribers only).')
  const lags = g.lags.slice(0, MAX_LAG_SERIES)
  for (const l of lags) t.sample('ordo_subscriber_lag_messages', l.lag, { connection: l.connection, subscription: l.subscription, paused: l.paused ? 1 : 0 })
  t.single('ordo_subscriber_lag_max_messages', 'gauge', 'Largest subscriber lag.', g.lags.length > 0 ? g.lags[0]!.lag : 0)
  if (e !== null) {
    t.family('ordo_engine_state', 'gauge', 'The engine\'s state: 1 for the current one (journal-failed: publishes refused, the journal retries; failed: restart needed).')
    for (const s of Object.values(EngineState)) t.sample('ordo_engine_state', s === e.state ? 1 : 0, { state: s })
    t.single('ordo_journal_faults_total', 'counter', 'Times the journal stopped writing (a full disk, an I/O error) since start.', e.journalFaults)
    t.single('ordo_journal_retry_failures_total', 'counter', 'Retries of a stopped journal that failed since start.', e.journalRetryFailures)
    t.single('ordo_sequenced_gsn', 'gauge', 'Highest gsn given out by the sequencer.', e.sequencedGsn)
    t.single('ordo_durable_gsn', 'gauge', 'Highest gsn on stable storage (the durable watermark).', e.durableGsn)
    t.single('ordo_messages_sequenced_total', 'counter', 'Messages sequenced.', e.messagesSequenced)
    t.single('ordo_batches_sequenced_total', 'counter', 'Batches closed by the sequencer.', e.batchesSequenced)
    t.single('ordo_batch_mean_messages', 'gauge', 'Mean messages per sequenced batch.', e.meanBatchMessages)
    t.single('ordo_duplicates_total', 'counter', 'Resends answered with their original gsn.', e.duplicates)
    t.single('ordo_sequencer_rejects_total', 'counter', 'Messages refused by the sequencer.', e.rejects)
    t.single('ordo_fsyncs_total', 'counter', 'fsync calls of the journal.', e.fsyncs)
    t.histogram('ordo_fsync_latency_seconds', 'Latency of journal fsyncs.', e.fsyncLatencyBuckets, e.fsyncLatencySumSeconds, e.fsyncs)
    t.family('ordo_ring_used_bytes', 'gauge', 'Bytes in use in each shared-memory ring.')
    for (const r of e.ringOccupancy) t.sample('ordo_ring_used_bytes', r.usedBytes, { ring: r.name })
    t.family('ordo_ring_capacity_bytes', 'gauge', 'Capacity of each shared-memory ring.')
    for (const r of e.ringOccupancy) t.sample('ordo_ring_capacity_bytes', r.capacityBytes, { ring: r.name })
  }
  return t.toString()
}
