// send(): no promise per message, a seq per message, the acked watermark and
// flush(seq); the payload is copied at the call (the caller may reuse its
// buffer); a refused message is reported with its seq through onSendError while
// the messages after it are renumbered and delivered; a small window and a
// disconnect in the middle lose and repeat nothing.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, ErrorCode, type OrdoError } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { collect, memoryServer, token, until, type Got } from '../helpers/client-fixture.js'

let server: GatewayServer

before(async () => {
  server = await memoryServer()
})

after(() => server.closeNow())

test('send returns seqs 1..n; acked reaches n; flush(seq) waits for that seq; the buffer may be reused at once', async () => {
  const pub = await connect(server.url, { token: token() })
  const sub = await connect(server.url, { token: token() })
  const got: Got[] = []
  await sub.subscribe(['send.a'], {}, collect(got))
  await pub.resolveGroups(['send.a'])
  const buf = new TextEncoder().encode('m-0000')
  const seqs: number[] = []
  for (let i = 0; i < 5000; i++) {
    buf.set(new TextEncoder().encode(String(i).padStart(4, '0')), 2)
    seqs.push(pub.send(['send.a'], buf))
  }
  assert.deepEqual(seqs, Array.from({ length: 5000 }, (_, i) => i + 1))
  await pub.flush(2500)
  assert.ok(pub.acked >= 2500, `acked ${pub.acked} after flush(2500)`)
  await pub.flush()
  assert.equal(pub.acked, 5000)
  assert.equal(pub.unacknowledged, 0)
  await until(() => got.length === 5000)
  assert.deepEqual(got.map((g) => g.text), Array.from({ length: 5000 }, (_, i) => `m-${String(i).padStart(4, '0')}`))
  await pub.close()
  await sub.close()
})

test('a refused send is reported with its seq; later messages are renumbered and delivered', async () => {
  const failures: { code: number | undefined; seq: number; ref: bigint }[] = []
  const pub = await connect(server.url, {
    token: token({ publish: ['ok.*'], subscribe: ['ok.*', 'nope'] }),
    onSendError: (e: OrdoError, seq: number) => failures.push({ code: e.wireCode, seq, ref: e.ref }),
  })
  const sub = await connect(server.url, { token: token() })
  const got: Got[] = []
  await sub.subscribe(['ok.s'], {}, collect(got))
  // 'nope' is made by a token that may publish to it: pub may see it (subscribe right) but not create it.
  await sub.resolveGroups(['nope'])
  await pub.resolveGroups(['ok.s', 'nope'])
  for (let i = 0; i < 300; i++) pub.send(i === 100 ? ['nope'] : ['ok.s'], `v${i}`)
  await pub.flush()
  assert.equal(pub.acked, 300)
  assert.deepEqual(failures.map((f) => [f.code, f.seq, f.ref]), [[ErrorCode.FORBIDDEN_GROUP, 101, 101n]])
  await until(() => got.length === 299)
  assert.deepEqual(got.map((g) => g.text), Array.from({ length: 300 }, (_, i) => `v${i}`).filter((t) => t !== 'v100'))
  // Dense gsns: nothing of the renumbered tail was sequenced twice.
  for (let i = 1; i < got.length; i++) assert.equal(got[i]!.gsn, got[i - 1]!.gsn + 1n)
  await pub.close()
  await sub.close()
})

test('a small window and a disconnect mid-stream: every message once, in order', async () => {
  const pub = await connect(server.url, { token: token(), maxInFlight: 100, maxFrameMessages: 32 })
  const sub = await connect(server.url, { token: token() })
  const got: Got[] = []
  await sub.subscribe(['send.w'], {}, collect(got))
  await pub.resolveGroups(['send.w'])
  for (let i = 0; i < 20_000; i++) {
    pub.send(['send.w'], `w${i}`)
    if (i === 7000) setTimeout(() => pub.disconnect(), 0)
  }
  await pub.flush()
  assert.equal(pub.acked, 20_000)
  assert.ok(pub.connections >= 2, 'the publisher reconnected')
  await until(() => got.length >= 20_000)
  assert.equal(got.length, 20_000)
  assert.ok(got.every((g, i) => g.text === `w${i}`), 'in order, each once')
  await pub.close()
  await sub.close()
})
