// /metrics is well-formed Prometheus text: every sample belongs to a declared
// family, histograms are cumulative and end with +Inf, labels are escaped.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GatewayCounters, renderMetrics } from '../../gateway/metrics.js'
import { ErrorCode } from '../../codec/error-codes.js'
import type { EngineMetrics } from '../../engine/engine-port.js'

const engine: EngineMetrics = {
  state: 'journal-failed',
  journalFaults: 2,
  journalRetryFailures: 7,
  sequencedGsn: 120,
  durableGsn: 100,
  messagesSequenced: 120,
  batchesSequenced: 7,
  duplicates: 2,
  rejects: 1,
  fsyncs: 5,
  fsyncLatencyBuckets: [
    { le: 0.001, count: 2 },
    { le: 0.01, count: 5 },
  ],
  fsyncLatencySumSeconds: 0.02,
  ringOccupancy: [{ name: 'sequenced "main"', usedBytes: 10, capacityBytes: 1024 }],
  meanBatchMessages: 17.1,
}

function parse(text: string): { families: Map<string, string>; samples: Map<string, number> } {
  const families = new Map<string, string>()
  const samples = new Map<string, number>()
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line)
    if (type !== null) {
      families.set(type[1]!, type[2]!)
      continue
    }
    if (line.startsWith('# HELP ')) continue
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    assert.ok(m !== null, `bad sample line: ${line}`)
    const base = m[1]!.replace(/_(bucket|sum|count)$/, '')
    assert.ok(families.has(m[1]!) || families.get(base) === 'histogram', `sample before its TYPE: ${line}`)
    samples.set(m[1]! + (m[2] ?? ''), Number(m[3] === '+Inf' ? Infinity : m[3]))
  }
  return { families, samples }
}

test('the page declares every family once and carries the counters, gauges and engine figures', () => {
  const c = new GatewayCounters()
  c.framesIn = 10
  c.messagesOut = 55
  c.countError(ErrorCode.BAD_FRAME)
  c.countError(ErrorCode.BAD_FRAME)
  const text = renderMetrics(c, { connections: 3, subscriptions: 2, pausedSubscriptions: 1, lags: [{ subscriber: 'billing "eu"', subscriptions: 2, maxLag: 20, paused: 1 }] }, engine)
  const { families, samples } = parse(text)
  assert.equal(families.get('ordo_frames_in_total'), 'counter')
  assert.equal(families.get('ordo_fsync_latency_seconds'), 'histogram')
  assert.equal(samples.get('ordo_connections'), 3)
  assert.equal(samples.get('ordo_frames_in_total'), 10)
  assert.equal(samples.get('ordo_messages_out_total'), 55)
  assert.equal(samples.get('ordo_errors_total{code="1",name="BAD_FRAME"}'), 2)
  assert.equal(samples.get('ordo_errors_total{code="2",name="HELLO_REQUIRED"}'), 0)
  assert.equal(samples.get('ordo_subscriber_lag_messages{subscriber="billing \\"eu\\""}'), 20)
  assert.equal(samples.get('ordo_durable_gsn'), 100)
  assert.equal(families.get('ordo_engine_state'), 'gauge')
  assert.equal(samples.get('ordo_engine_state{state="journal-failed"}'), 1)
  assert.equal(samples.get('ordo_engine_state{state="running"}'), 0)
  assert.equal(samples.get('ordo_journal_faults_total'), 2)
  assert.equal(samples.get('ordo_journal_retry_failures_total'), 7)
  assert.equal(samples.get('ordo_sequenced_gsn'), 120)
  assert.equal(samples.get('ordo_fsync_latency_seconds_bucket{le="0.01"}'), 5)
  assert.equal(samples.get('ordo_fsync_latency_seconds_bucket{le="+Inf"}'), 5)
  assert.equal(samples.get('ordo_fsync_latency_seconds_count'), 5)
  assert.equal(samples.get('ordo_ring_used_bytes{ring="sequenced \\"main\\""}'), 10)
  const typeLines = text.split('\n').filter((l) => l.startsWith('# TYPE '))
  assert.equal(new Set(typeLines).size, typeLines.length, 'each family declared once')
})

test('without an engine the page still renders the gateway families', () => {
  const text = renderMetrics(new GatewayCounters(), { connections: 0, subscriptions: 0, pausedSubscriptions: 0, lags: [] }, null)
  const { samples } = parse(text)
  assert.equal(samples.get('ordo_subscriber_lag_max_messages'), 0)
  assert.equal(samples.has('ordo_durable_gsn'), false)
})
