// The gateway's counters and the /metrics page. Counters are plain numbers
// bumped on the hot path (no allocation, no labels there); latency goes into
// fixed-bucket histograms (gateway/metrics/latency-histogram.ts); labels and
// text are made only when Prometheus scrapes. Errors are counted per wire code
// in a typed array indexed by code. Every family is listed in README.md.

import type { EngineMetrics } from '../engine/engine-port.js'
import { engineMetricFamilies } from '../engine/metric-families.js'
import { counter, gauge, type MetricFamily } from '../engine/metric-family.js'
import { ERROR_CODES } from '../codec/error-codes.js'
import { PrometheusText } from './prometheus-text.js'
import { LatencyHistogram } from './metrics/latency-histogram.js'

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
  authFailures = 0
  /** Withdrawn corrections sent (tentative subscriptions resuming after a failover). */
  withdrawn = 0
  /** Error frames (and HTTP refusals) sent, by wire code. */
  readonly errorsByCode = new Float64Array(64)
  /** From a Publish frame's arrival to the PublishAck that completes it. */
  readonly publishAckLatency = new LatencyHistogram()
  /** From the sequencer's timestamp of a live frame's first message to its send. */
  readonly deliverLatency = new LatencyHistogram()

  countError(code: number): void {
    if (code >= 0 && code < this.errorsByCode.length) this.errorsByCode[code]!++
  }
}

/**
 * Lag of the subscriptions of one subscriber. Subscribers are named by something
 * stable across reconnects: the token's subject (a durable subscription's name once
 * subscriptions carry one), never a connection id, so a series lives as long as the
 * client does, not as long as one socket.
 */
export interface SubscriberLag {
  subscriber: string
  subscriptions: number
  /** Largest lag among them: messages sequenced but not yet sent (by gsn distance). */
  maxLag: number
  paused: number
}

export interface GatewayGauges {
  connections: number
  subscriptions: number
  pausedSubscriptions: number
  /** One entry per subscriber, worst lag first. */
  lags: SubscriberLag[]
}

/** Most per-subscriber lag series on one page (cardinality bound); the rest are summed into subscriber="(other)". */
export const MAX_LAG_SERIES = 50

export const OTHER_SUBSCRIBERS = '(other)'

/** The worst MAX_LAG_SERIES subscribers, then one series for all others. */
export function boundedLags(lags: readonly SubscriberLag[]): SubscriberLag[] {
  if (lags.length <= MAX_LAG_SERIES) return [...lags]
  const head = lags.slice(0, MAX_LAG_SERIES)
  const rest: SubscriberLag = { subscriber: OTHER_SUBSCRIBERS, subscriptions: 0, maxLag: 0, paused: 0 }
  for (const l of lags.slice(MAX_LAG_SERIES)) {
    rest.subscriptions += l.subscriptions
    rest.paused += l.paused
    if (l.maxLag > rest.maxLag) rest.maxLag = l.maxLag
  }
  head.push(rest)
  return head
}

export function gatewayMetricFamilies(c: GatewayCounters, g: GatewayGauges): MetricFamily[] {
  const lags = boundedLags(g.lags)
  const ack = c.publishAckLatency.snapshot()
  const deliver = c.deliverLatency.snapshot()
  return [
    gauge('ordo_connections', 'Open WebSocket connections.', g.connections),
    counter('ordo_connections_opened_total', 'WebSocket connections accepted since start.', c.connectionsOpened),
    counter('ordo_connections_closed_total', 'WebSocket connections closed since start.', c.connectionsClosed),
    counter('ordo_auth_failures_total', 'Hellos and HTTP requests refused for a bad, expired or missing token.', c.authFailures),
    counter('ordo_withdrawn_total', 'Withdrawn corrections sent to tentative subscriptions that resumed after a failover.', c.withdrawn),
    gauge('ordo_subscriptions', 'Active subscriptions over all connections.', g.subscriptions),
    gauge('ordo_subscriptions_paused', 'Subscriptions held back by a full send buffer (slow consumers).', g.pausedSubscriptions),
    counter('ordo_frames_in_total', 'WebSocket frames received.', c.framesIn),
    counter('ordo_frames_out_total', 'WebSocket frames sent.', c.framesOut),
    counter('ordo_bytes_in_total', 'Bytes of WebSocket frames received.', c.bytesIn),
    counter('ordo_bytes_out_total', 'Bytes of WebSocket frames sent.', c.bytesOut),
    counter('ordo_messages_in_total', 'Messages received in Publish frames and POST /publish.', c.messagesIn),
    counter('ordo_messages_out_total', 'Messages sent in Deliver frames.', c.messagesOut),
    counter('ordo_publish_acks_total', 'Messages acknowledged to publishers (durable).', c.publishAcks),
    counter('ordo_http_publishes_total', 'Messages published through POST /publish.', c.httpPublishes),
    counter('ordo_slow_consumer_pauses_total', 'Times a subscription was paused for a full send buffer.', c.slowConsumerPauses),
    counter('ordo_slow_consumer_resumes_total', 'Times a paused subscription resumed.', c.slowConsumerResumes),
    counter('ordo_slow_consumer_disconnects_total', 'Connections closed with SLOW_CONSUMER.', c.slowConsumerDisconnects),
    counter('ordo_ingress_back_pressured_total', 'Publish frames held because the engine ingress was full.', c.ingressBackPressured),
    {
      name: 'ordo_errors_total',
      help: 'Error frames and HTTP refusals sent, by wire error code.',
      type: 'counter',
      samples: ERROR_CODES.map((info) => ({ value: c.errorsByCode[info.code]!, labels: { code: info.code, name: info.name } })),
    },
    {
      name: 'ordo_subscriber_lag_messages',
      help: `Largest lag (messages sequenced, not yet sent) over each subscriber's subscriptions; subscriber = token subject; worst ${MAX_LAG_SERIES}, the rest as subscriber="${OTHER_SUBSCRIBERS}".`,
      type: 'gauge',
      samples: lags.map((l) => ({ value: l.maxLag, labels: { subscriber: l.subscriber } })),
    },
    gauge('ordo_subscriber_lag_max_messages', 'Largest subscriber lag.', g.lags.length > 0 ? g.lags[0]!.maxLag : 0),
    {
      name: 'ordo_publish_ack_latency_seconds',
      help: 'From a Publish frame arriving at the gateway to the PublishAck that completes it (the latency publishers feel).',
      type: 'histogram',
      series: [{ buckets: ack.buckets, sum: ack.sumSeconds, count: ack.count }],
    },
    {
      name: 'ordo_deliver_latency_seconds',
      help: 'From the sequencer stamping a message to the gateway sending it to a live subscriber (first message of each frame).',
      type: 'histogram',
      series: [{ buckets: deliver.buckets, sum: deliver.sumSeconds, count: deliver.count }],
    },
  ]
}

/** The whole /metrics page: gateway, engine (when it answers) and any extra families (process, build). */
export function renderMetrics(c: GatewayCounters, g: GatewayGauges, e: EngineMetrics | null, extra: readonly MetricFamily[] = []): string {
  const t = new PrometheusText()
  t.families(gatewayMetricFamilies(c, g))
  if (e !== null) t.families(engineMetricFamilies(e))
  t.families(extra)
  return t.toString()
}
