// bench/compare/peers.ts starts a real nats-server with JetStream on 127.0.0.1 under a temp dir, and stop()
// ends exactly that pid and removes the dir. Fails (does not skip) when nats-server is missing.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createConnection } from 'node:net'
import { startNats } from '../../bench/compare/peers.js'

/** The INFO line nats-server sends to every new connection. */
function readInfo(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let got = ''
    const s = createConnection({ host: '127.0.0.1', port })
    s.setTimeout(3000, () => { s.destroy(); reject(new Error('no INFO from nats-server within 3 s')) })
    s.on('error', reject)
    s.on('data', (b: Buffer) => {
      got += b.toString()
      const nl = got.indexOf('\r\n')
      if (nl < 0) return
      s.destroy()
      assert.ok(got.startsWith('INFO '), `unexpected greeting: ${got.slice(0, 40)}`)
      resolve(JSON.parse(got.slice(5, nl)) as Record<string, unknown>)
    })
  })
}

test('nats-server starts with JetStream enabled, answers, and stop() kills its pid and removes its dir', async () => {
  // startNats throws "nats-server not found: install it with `sudo apt-get install -y nats-server`" when missing.
  const nats = await startNats()
  try {
    assert.ok(existsSync(nats.dir))
    const info = await readInfo(nats.port)
    assert.equal(info.jetstream, true)
    assert.equal(info.port, nats.port)
    assert.equal(info.host, '127.0.0.1')
  } finally {
    await nats.stop()
  }
  assert.equal(existsSync(nats.dir), false)
  assert.throws(() => process.kill(nats.pid, 0), /ESRCH/)
})
