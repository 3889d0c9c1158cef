// The start-up check catches a build that loads but cannot serve, and the
// process survives it. The broken build used here is a real one: the
// JavaScript stand-in that @trufflesuite/uws-js-unofficial's entry falls back
// to on a Node it has no binary for (Node 22, 24), which answers HTTP but
// throws "not implemented (handleHttpUpgrade)" at the first WebSocket.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { probeTransport } from '../../../gateway/transport/startup-probe.js'
import type { TemplatedApp, UwsModule } from '../../../gateway/transport/uws-api.js'
import { transportsHere } from './helpers/transports.js'

test('every transport that loads here passes the probe', async () => {
  for (const t of transportsHere()) assert.equal(await probeTransport(t.module), null, t.name)
})

test('the JavaScript stand-in of @trufflesuite/uws-js-unofficial fails the probe at the upgrade, and the process lives on', () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./procs/probe-stand-in.js', import.meta.url))], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(r.status, 0, r.stderr)
  const { problem } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { problem: string | null }
  assert.ok(problem !== null && /not implemented/.test(problem), `probe said: ${String(problem)}`)
})

test('a build that cannot listen, or never answers, fails the probe with what went wrong', async () => {
  const base = transportsHere()[0]!.module
  const withListen = (listen: TemplatedApp['listen']): UwsModule => ({
    ...base,
    App: () => {
      const app = base.App()
      app.listen = listen
      return app
    },
  })
  assert.match(String(await probeTransport(withListen((_h, _p, _o, cb) => (cb(false), base.App())), 1000)), /cannot listen/)
  const silent = withListen(() => base.App())
  const t0 = Date.now()
  assert.match(String(await probeTransport(silent, 300)), /listen: no answer within 300 ms/)
  assert.ok(Date.now() - t0 < 5000)
})
