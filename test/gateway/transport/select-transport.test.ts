// Which transport runs: the choice, its validation, the notice when the
// fallback runs without being asked for, and that the gateway under test
// really runs on the transport the test run asked for (ORDO_TRANSPORT).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GatewayServer } from '../../../gateway/server.js'
import { parseTransportChoice, selectTransport, TransportError } from '../../../gateway/transport/select-transport.js'
import { loadUwsBuild, UWS_BUILDS } from '../../../gateway/transport/uws-builds.js'
import { MemoryEngine } from '../helpers/memory-engine.js'
import { uwsExpectedHere } from './helpers/transports.js'

test('transport names: auto, uws, ws; anything else is BAD_TRANSPORT naming where it came from', () => {
  assert.equal(parseTransportChoice(undefined, 'ORDO_TRANSPORT'), 'auto')
  assert.equal(parseTransportChoice('', 'ORDO_TRANSPORT'), 'auto')
  for (const v of ['auto', 'uws', 'ws'] as const) assert.equal(parseTransportChoice(v, 'x'), v)
  assert.throws(() => parseTransportChoice('uWS', '--transport'), (e: unknown) => e instanceof TransportError && e.code === 'BAD_TRANSPORT' && /--transport="uWS"/.test(e.message))
})

test('auto picks uWS where a build fits this runtime, else ws with a loud notice naming each build and why', async () => {
  const t = await selectTransport('auto')
  if (uwsExpectedHere()) {
    assert.equal(t.name, 'uws')
    assert.equal(t.notice, null)
    assert.match(t.implementation, /^uWebSockets\.js 20\.\d+\.\d+ \(@/)
  } else {
    assert.equal(t.name, 'ws')
    assert.ok(t.notice !== null)
    assert.match(t.notice, /SLOWER TRANSPORT/)
    assert.match(t.notice, /What it costs/)
    for (const s of t.skipped) assert.ok(t.notice.includes(s), `notice lacks: ${s}`)
    assert.equal(t.skipped.length, 2)
  }
})

test('uws asked for: uWS, or NO_UWS_BUILD saying what to do; ws asked for: ws without a notice', async () => {
  if (uwsExpectedHere()) assert.equal((await selectTransport('uws')).name, 'uws')
  else await assert.rejects(selectTransport('uws'), (e: unknown) => e instanceof TransportError && e.code === 'NO_UWS_BUILD' && /--transport ws/.test(e.message))
  const ws = await selectTransport('ws')
  assert.equal(ws.name, 'ws')
  assert.equal(ws.notice, null)
})

test('the gateway of this test run serves on the transport the run asked for, and /health says which', async () => {
  const asked = parseTransportChoice(process.env.ORDO_TRANSPORT, 'ORDO_TRANSPORT')
  const expected = asked === 'ws' ? 'ws' : uwsExpectedHere() ? 'uws' : 'ws'
  const warnings: string[] = []
  const server = await GatewayServer.start(new MemoryEngine(), { port: 0, warn: (w) => warnings.push(w) })
  try {
    assert.equal(server.transport.name, expected)
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as { transport: string; node: string }
    assert.equal(health.transport, expected)
    assert.equal(health.node, process.versions.node)
    assert.equal(warnings.length, asked === 'auto' && expected === 'ws' ? 1 : 0)
  } finally {
    server.closeNow()
  }
})

test('a build whose package is not installed, or has no binary for this Node, is passed over with the reason', () => {
  const missing = loadUwsBuild({ ...UWS_BUILDS[0]!, pkg: '@ordo-test/no-such-uws-package' })
  assert.equal(missing.ok, false)
  assert.match(missing.ok ? '' : missing.problem, /@ordo-test\/no-such-uws-package is not installed \(an optional dependency: npm install @ordo-test\/no-such-uws-package\)/)
  const noAbi = loadUwsBuild({ ...UWS_BUILDS[1]!, binaryPath: (entry) => entry.replace(/[^/]+$/, 'uws_no_such_abi.node') })
  assert.equal(noAbi.ok, false)
  assert.match(noAbi.ok ? '' : noAbi.problem, new RegExp(`no build for Node ${process.versions.node.replace(/\./g, '\\.')} \\(ABI ${process.versions.modules}\\)`))
})
