// A subscriber process stopped whole (SIGSTOP: it reads nothing, answers no
// ping) falls behind and is closed as a slow consumer. When it runs again it
// reads what was queued for it, then the SLOW_CONSUMER Error naming the gsn to
// resume from, then a close with code 4015, not a bare 1006 (which is what a
// socket cut while the Error is still queued looks like). The stop lasts
// longer than uWS gives a closing socket (16 s). The Error's gsn is right after the last message it got. Real server process,
// real subscriber process.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodePublish } from '../../codec/index.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { Proc } from './helpers/proc.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess } from './helpers/server-process.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('a stopped subscriber gets SLOW_CONSUMER with its resume gsn and close 4015 once it runs again', async () => {
  const server = await startServerProcess({ sendBufferHighBytes: 64 * 1024, slowConsumerTimeoutMs: 1000 })
  const sub = new Proc('raw-subscriber', [server.wsUrl, 'stop.a'])
  try {
    await sub.waitLine((l) => l === 'subscribed', 30_000, 'subscribed')
    sub.signal('SIGSTOP')
    const { client, publisher } = await RawClient.hello(server.wsUrl)
    client.sendFrame({ type: 'ResolveGroups', names: ['stop.a'], create: true })
    const id = (await client.next('Groups')).ids[0]!
    // Far more than the socket buffers hold: 40 MiB in 1 KiB messages.
    const payload = new Uint8Array(1024).fill(0x5a)
    let pseq = 1n
    for (let f = 0; f < 160; f++) {
      client.send(encodePublish(Array.from({ length: 256 }, () => ({ publisher, pseq: pseq++, groups: [id], payload }))))
      await client.next('PublishAck', () => true, 30_000)
    }
    // Closed as a slow consumer (timeout 1 s); then stay stopped well past it.
    const deadline = Date.now() + 30_000
    while (!/ordo_slow_consumer_disconnects_total [1-9]/.test(await (await fetch(`${server.httpUrl}/metrics`)).text())) {
      assert.ok(Date.now() < deadline, 'the stopped subscriber was never closed as a slow consumer')
      await sleep(200)
    }
    await sleep(22_000)
    sub.signal('SIGCONT')
    const closed = await sub.waitLine((l) => l.startsWith('closed '), 30_000, 'close')
    const errors = sub.lines.filter((l) => l.startsWith('error '))
    const summary = JSON.parse(sub.lines[sub.lines.length - 1]!) as { messages: number; lastGsn: string }
    assert.deepEqual(errors.map((l) => Number(l.split(' ')[1])), [ErrorCode.SLOW_CONSUMER], `lines: ${sub.lines.join(' | ')}`)
    assert.equal(BigInt(errors[0]!.split(' ')[2]!), BigInt(summary.lastGsn) + 1n, 'resume from right after the last message received')
    assert.match(closed, /^closed 4015 SLOW_CONSUMER/)
    client.close()
  } finally {
    sub.kill()
    await server.stop()
  }
})
