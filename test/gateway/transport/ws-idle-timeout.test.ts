// The ws fallback's idleTimeout and sendPingsAutomatically, as uWS has them:
// a client that answers pings stays, one that sends nothing and answers
// nothing is closed once the timeout passes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import WebSocket from 'ws'
import { wsTransportModule } from '../../../gateway/transport/ws-app.js'
import { startApp } from './helpers/transports.js'

function open(port: number, autoPong: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const c = new WebSocket(`ws://127.0.0.1:${port}/`, { autoPong })
    c.once('open', () => resolve(c))
    c.once('error', reject)
  })
}

test('idle timeout 1 s: a client answering pings stays past 2.5 s; a mute one is closed in time', { timeout: 20_000 }, async () => {
  const closes: number[] = []
  const s = await startApp(wsTransportModule, (app) => app.ws('/*', { idleTimeout: 1, sendPingsAutomatically: true, close: (_ws, code) => void closes.push(code) }))
  try {
    const live = await open(s.port, true)
    const mute = await open(s.port, false)
    let muteClosedAt = 0
    const t0 = Date.now()
    mute.once('close', () => (muteClosedAt = Date.now() - t0))
    await new Promise((r) => setTimeout(r, 2500))
    assert.ok(muteClosedAt > 0 && muteClosedAt < 2500, `mute client closed after ${muteClosedAt} ms`)
    assert.equal(live.readyState, WebSocket.OPEN)
    assert.deepEqual(closes, [1006])
    live.close()
  } finally {
    s.stop()
  }
})
