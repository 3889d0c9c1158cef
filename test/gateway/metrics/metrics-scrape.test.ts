// A real scrape of /metrics from `ordo start` under a little traffic: promtool
// accepts the page; publish->ack and publish->deliver histograms count what
// happened; process, runtime, journal and build figures are there; subscriber
// lag is labelled by the token's subject, not by a connection id, and the
// errors counter counts by code.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, type Client } from '../../../gateway/client/index.js'
import { mintToken } from '../../../gateway/auth/token.js'
import { promtoolCheck } from '../helpers/promtool.js'
import { startServerProcess } from '../helpers/server-process.js'
import { uwsExpectedHere } from '../transport/helpers/transports.js'

const SECRET = 'metrics-scrape-secret'

function sample(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"=+.]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)
  assert.ok(m !== null, `no sample ${name}`)
  return Number(m[1])
}

test('a real scrape passes promtool and answers the operator questions', async () => {
  const server = await startServerProcess({ secret: SECRET })
  const clients: Client[] = []
  try {
    const pub = await connect(server.wsUrl, { token: mintToken(SECRET, { sub: 'orders-svc', publish: ['>'] }) })
    clients.push(pub)
    // The publisher creates the group: a subscribe-only token may not (gateway/README.md, access tokens).
    await pub.publish(['orders'], 'first')
    const sub = await connect(server.wsUrl, { token: mintToken(SECRET, { sub: 'billing', subscribe: ['>'] }) })
    clients.push(sub)
    let got = 0
    await sub.subscribe(['orders'], {}, (b) => {
      while (b.next()) got++
    })
    for (let round = 0; round < 20; round++) await Promise.all(Array.from({ length: 50 }, (_, i) => pub.publish(['orders'], `m${round}-${i}`)))
    const deadline = Date.now() + 20_000
    while (got < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    assert.equal(got, 1000, 'every message delivered')
    // One refused Hello for the errors counter.
    await connect(server.wsUrl, { token: 'not.a.token', retryFirstConnect: false }).catch(() => {})
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text()
    const health = (await (await fetch(`${server.httpUrl}/health`)).json()) as { transport: string }

    const check = promtoolCheck(text)
    assert.equal(check.code, 0, `promtool check metrics: ${check.output}`)

    assert.equal(sample(text, 'ordo_publish_ack_latency_seconds_count') > 0, true, 'publish->ack observed')
    assert.ok(sample(text, 'ordo_publish_ack_latency_seconds_bucket{le="10"}') <= sample(text, 'ordo_publish_ack_latency_seconds_count'))
    assert.equal(sample(text, 'ordo_deliver_latency_seconds_count') > 0, true, 'publish->deliver observed')
    assert.ok(sample(text, 'ordo_fsync_latency_seconds_bucket{le="10"}') > 0, 'fsync buckets reach 10 s')
    assert.ok(sample(text, 'ordo_journal_bytes') > 100_000 / 10, 'journal bytes')
    assert.equal(sample(text, 'ordo_journal_segments'), 1)
    assert.equal(sample(text, 'ordo_retention_removed_segments_total'), 0)
    assert.ok(sample(text, 'process_cpu_seconds_total') > 0)
    assert.ok(sample(text, 'process_resident_memory_bytes') > 1e6)
    assert.ok(sample(text, 'nodejs_heap_size_used_bytes') > 0)
    assert.match(text, /^nodejs_eventloop_lag_p99_seconds \S+$/m)
    assert.match(text, /^# TYPE nodejs_gc_duration_seconds histogram$/m)
    // The transport label is the one running (uws, or ws on the fallback), as /health says.
    assert.ok(health.transport === 'uws' || health.transport === 'ws', `health: ${JSON.stringify(health)}`)
    if (process.env.ORDO_TRANSPORT === 'ws') assert.equal(health.transport, 'ws')
    else if (process.env.ORDO_TRANSPORT === undefined && process.env.ORDO_TEST_SERVER_NODE === undefined) assert.equal(health.transport, uwsExpectedHere() ? 'uws' : 'ws')
    assert.match(text, new RegExp(`^ordo_build_info\\{version="0\\.1\\.0",node="v\\d+\\.\\d+\\.\\d+",transport="${health.transport}"\\} 1$`, 'm'))
    assert.equal(sample(text, 'ordo_errors_total{code="3",name="BAD_TOKEN"}'), 1)
    assert.match(text, /^ordo_subscriber_lag_messages\{subscriber="billing"\} \d+$/m, 'lag by subject')
    assert.ok(!/ordo_subscriber_lag_messages\{[^}]*connection=/.test(text), 'no connection ids as labels')
  } finally {
    for (const c of clients) await c.close()
    await server.stop()
  }
})
