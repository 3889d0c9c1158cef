// The publish -> deliver stage trace through a real engine (fsync journal in a temp
// dir) and gateway: with sampling on, every stage from 'gateway received' to 'deliver
// sent' stamps records, and the gsn-keyed stages (sequenced, journal written, durable,
// deliver sent) together cover every published gsn; with sampling off nothing is stamped.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Engine } from '../../../engine/index.js'
import { StageTrace, TraceStage, TRACE_STAGE_NAMES } from '../../../engine/trace/stage-trace.js'
import { RECORD_F64, R_FIRST, R_LAST, R_STAGE } from '../../../engine/trace/stage-trace-descriptor.js'
import { GatewayServer } from '../../../gateway/server.js'
import { connect } from '../../../gateway/client/index.js'
import { until } from '../../gateway/helpers/client-fixture.js'

const N = 200

test('every stage of the publish -> deliver path stamps; gsn-keyed stages cover every gsn; off stamps nothing', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-trace-'))
  const trace = StageTrace.create(1 << 16)
  const engine = await Engine.open({ dataDir: dir, stageTrace: trace })
  const server = await GatewayServer.start(engine, { port: 0 })
  try {
    const client = await connect(server.url)
    let got = 0
    await client.subscribe(['traced'], { fromGsn: 0n }, (b) => {
      while (b.next()) got++
    })
    await client.publish(['traced'], 'untraced')
    await until(() => got === 1, 10_000, 'the untraced message delivered')
    assert.equal(trace.read().records.length, 0, 'sampling off: no records')

    trace.enable(true)
    const results = await Promise.all(Array.from({ length: N }, (_, i) => client.publish(['traced'], `m${i}`)))
    await until(() => got === N + 1, 10_000, 'every traced message delivered')
    // 'dispatcher woken' is stamped for a pass that followed a sleep on the doorbell; a burst can be
    // dispatched without one (each pass finding the next batch durable already), so one more message
    // goes out once the dispatcher has been idle.
    await new Promise((r) => setTimeout(r, 50))
    results.push(await client.publish(['traced'], 'after idle'))
    await until(() => got === N + 2, 10_000, 'the message after the idle moment delivered')
    trace.enable(false)
    await client.close()

    const { records, dropped } = trace.read()
    assert.equal(dropped, 0)
    const seen = new Map<number, Array<[number, number]>>()
    for (let o = 0; o + RECORD_F64 <= records.length; o += RECORD_F64) {
      const stage = records[o + R_STAGE]!
      if (!seen.has(stage)) seen.set(stage, [])
      seen.get(stage)!.push([records[o + R_FIRST]!, records[o + R_LAST]!])
    }
    const stamped = [
      TraceStage.gatewayReceived, TraceStage.ingressCommitted, TraceStage.sequencerTook, TraceStage.sequenced, TraceStage.journalWritten,
      TraceStage.durable, TraceStage.dispatcherWoken, TraceStage.dispatcherPass, TraceStage.deliverSent,
    ]
    for (const stage of stamped) assert.ok(seen.has(stage), `no record of stage '${TRACE_STAGE_NAMES[stage]}'`)
    const gsns = results.map((r) => Number(r.gsn))
    for (const stage of [TraceStage.sequenced, TraceStage.journalWritten, TraceStage.durable, TraceStage.deliverSent]) {
      const runs = seen.get(stage)!
      const missing = gsns.filter((g) => !runs.some(([a, b]) => a <= g && g <= b))
      assert.deepEqual(missing, [], `stage '${TRACE_STAGE_NAMES[stage]}' covers every gsn`)
    }
  } finally {
    await server.close()
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
