// Embedders expose the engine's (and the gateway's) metrics through their own
// prom-client Registry, next to prom-client's default metrics: the figures are
// read on each scrape, names do not clash, and promtool accepts the page.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { Engine, registerEngineMetrics } from '../../engine/index.js'
import { GatewayServer, registerGatewayMetrics } from '../../gateway/index.js'
import { promtoolCheck } from '../gateway/helpers/promtool.js'

test('a prom-client Registry serves the engine and gateway families, fresh at every scrape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-promclient-'))
  const engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
  const gateway = await GatewayServer.start(engine, { port: 0 })
  try {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const names = registerEngineMetrics(registry, engine)
    assert.ok(names.includes('ordo_durable_gsn') && names.includes('ordo_fsync_latency_seconds'))
    const gwRegistry = new Registry()
    registerGatewayMetrics(gwRegistry, gateway)

    for (let i = 0; i < 5; i++) await engine.publish(['orders'], `m${i}`)
    const first = await registry.metrics()
    assert.match(first, /^ordo_messages_sequenced_total 5$/m)
    assert.match(first, /^ordo_durable_gsn 5$/m)
    assert.match(first, /^ordo_fsync_latency_seconds_bucket\{le="\+Inf"\} \d+$/m)
    assert.match(first, /^ordo_journal_segments 1$/m)
    assert.match(first, /^process_cpu_user_seconds_total /m, 'prom-client defaults alongside')
    await engine.publish(['orders'], 'one more')
    assert.match(await registry.metrics(), /^ordo_messages_sequenced_total 6$/m, 'read again at the next scrape')
    // promtool judges our families (prom-client's own defaults draw lint warnings of their own).
    const ours = first.split('\n').filter((l) => /^(# (HELP|TYPE) )?ordo_/.test(l)).join('\n') + '\n'
    const check = promtoolCheck(ours)
    assert.equal(check.code, 0, check.output)

    const gw = await gwRegistry.metrics()
    assert.match(gw, /^ordo_connections 0$/m)
    assert.match(gw, /^ordo_publish_ack_latency_seconds_count 0$/m)
    assert.match(gw, /^ordo_durable_gsn 6$/m)
    assert.match(gw, /^ordo_build_info\{version="0\.1\.0",/m)
    assert.equal(promtoolCheck(gw).code, 0)
  } finally {
    gateway.closeNow()
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
