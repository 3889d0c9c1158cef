// The minimal RESP client (bench/compare/resp-client.ts) against a real redis-server started by
// bench/compare/peers.ts: XADD/XREAD round trips, pipelining order, error replies, blocking reads, and the
// Redis Streams benchmark's own completeness/order check. Fails (does not skip) when redis-server is missing.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { startRedis, type PeerServer } from '../../bench/compare/peers.js'
import { RespClient, RespReplyError, type RespValue } from '../../bench/compare/resp-client.js'
import { runRedisStreams, checkPayload } from '../../bench/compare/redis-streams.js'

let server: PeerServer

before(async () => {
  // startRedis throws "redis-server not found: install it with `apt-get install -y redis-server`" when missing.
  server = await startRedis()
})

after(async () => {
  await server?.stop()
})

/** [[stream, [[id, [field, value]], ...]]] -> [id, value][] */
function entriesOf(reply: RespValue): [string, Buffer][] {
  assert.ok(Array.isArray(reply), `XREAD reply is not an array: ${String(reply)}`)
  const streams = reply as RespValue[]
  const entries = (streams[0] as RespValue[])[1] as RespValue[]
  return entries.map((e) => {
    const [id, fields] = e as [Buffer, Buffer[]]
    return [id.toString('latin1'), fields[1]]
  })
}

function idLess(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number)
  const [bm, bs] = b.split('-').map(Number)
  return am < bm || (am === bm && as < bs)
}

test('server runs under its temp dir on 127.0.0.1 and stop() removes the dir', async () => {
  const extra = await startRedis()
  assert.ok(existsSync(extra.dir))
  const c = await RespClient.connect(extra.port)
  assert.equal(await c.command(['PING']), 'PONG')
  const dir = (await c.command(['CONFIG', 'GET', 'dir'])) as Buffer[]
  assert.ok(dir[1].toString().startsWith(extra.dir), `redis dir ${dir[1]} not under ${extra.dir}`)
  const aof = (await c.command(['CONFIG', 'GET', 'appendfsync'])) as Buffer[]
  assert.equal(aof[1].toString(), 'everysec')
  await c.close()
  await extra.stop()
  assert.equal(existsSync(extra.dir), false)
  assert.throws(() => process.kill(extra.pid, 0), /ESRCH/)
})

test('XADD then XREAD returns binary payloads byte for byte, ids increasing', async () => {
  const c = await RespClient.connect(server.port)
  try {
    await c.command(['DEL', 'rt'])
    // Bytes that would break a naive line-based parser: CR LF, '$', '*', NUL.
    const payloads = [Buffer.from('hello'), Buffer.from([13, 10, 0x24, 0x2a, 0, 255, 13, 10]), Buffer.alloc(0), Buffer.alloc(100, 7)]
    const ids: string[] = []
    for (const p of payloads) {
      const id = await c.command(['XADD', 'rt', '*', 'd', p])
      assert.ok(Buffer.isBuffer(id))
      ids.push(id.toString())
    }
    const got = entriesOf(await c.command(['XREAD', 'COUNT', 10, 'STREAMS', 'rt', '0-0']))
    assert.deepEqual(got.map((e) => e[0]), ids)
    got.forEach(([, v], i) => assert.deepEqual(v, payloads[i]))
    for (let i = 1; i < ids.length; i++) assert.ok(idLess(ids[i - 1], ids[i]), `${ids[i - 1]} !< ${ids[i]}`)
    assert.equal(await c.command(['XLEN', 'rt']), payloads.length)
  } finally {
    await c.close()
  }
})

test('5000 pipelined XADDs read back in 1000-entry XREADs, all present and in order', async () => {
  const c = await RespClient.connect(server.port)
  try {
    await c.command(['DEL', 'pl'])
    const total = 5000
    const replies: Promise<RespValue[]>[] = []
    for (let b = 0; b < total; b += 1000) {
      const cmds = []
      for (let i = b; i < b + 1000; i++) cmds.push(['XADD', 'pl', '*', 'd', `m${i}`])
      replies.push(c.pipeline(cmds)) // several pipelines in flight at once
    }
    const ids = (await Promise.all(replies)).flat().map((r) => (r as Buffer).toString())
    assert.equal(ids.length, total)
    let last = '0-0'
    let n = 0
    for (let round = 0; round < 10 && n < total; round++) {
      const got = entriesOf(await c.command(['XREAD', 'COUNT', 1000, 'STREAMS', 'pl', last]))
      assert.ok(got.length <= 1000)
      for (const [id, v] of got) {
        assert.equal(id, ids[n])
        assert.equal(v.toString(), `m${n}`)
        n++
        last = id
      }
    }
    assert.equal(n, total)
  } finally {
    await c.close()
  }
})

test('error replies reject command(), appear in place in a pipeline, and the connection stays usable', async () => {
  const c = await RespClient.connect(server.port)
  try {
    await assert.rejects(c.command(['XADD', 'e']), (err: unknown) => err instanceof RespReplyError && /wrong number/i.test(err.message))
    const [a, b, d] = await c.pipeline([['SET', 'k', 'v'], ['INCR', 'k'], ['GET', 'k']])
    assert.equal(a, 'OK')
    assert.ok(b instanceof RespReplyError)
    assert.deepEqual(d, Buffer.from('v'))
    assert.equal(await c.command(['INCRBY', 'n', 41]), 41)
    assert.equal(await c.command(['GET', 'missing-key']), null)
  } finally {
    await c.close()
  }
})

test('XREAD BLOCK waits for a message added later on another connection', async () => {
  const reader = await RespClient.connect(server.port)
  const writer = await RespClient.connect(server.port)
  try {
    await writer.command(['DEL', 'blk'])
    const pending = reader.command(['XREAD', 'COUNT', 10, 'BLOCK', 5000, 'STREAMS', 'blk', '$'])
    let settled = false
    void pending.then(() => { settled = true })
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(settled, false, 'XREAD BLOCK returned before anything was added')
    const id = ((await writer.command(['XADD', 'blk', '*', 'd', 'late'])) as Buffer).toString()
    const got = entriesOf(await pending)
    assert.deepEqual(got.map(([i, v]) => [i, v.toString()]), [[id, 'late']])
  } finally {
    await Promise.all([reader.close(), writer.close()])
  }
})

test('the Redis Streams benchmark delivers every acknowledged message in order and its check catches reordering', async () => {
  const r = await runRedisStreams({ port: server.port, messages: 20_000, payloadBytes: 100, batch: 1000, window: 4, stream: 'bench-t' })
  assert.equal(r.published, 20_000)
  assert.equal(r.delivered, 20_000)
  assert.equal(r.inOrder, true, r.firstProblem ?? '')
  assert.ok(r.publishedPerSec > 0 && r.deliveredPerSec > 0)
  const p = Buffer.alloc(100)
  p.writeUInt32LE(6, 0)
  assert.match(checkPayload(p, 5, 100), /out of order: expected seq=5, got seq=6/)
  assert.match(checkPayload(Buffer.alloc(99), 0, 100), /length mismatch/)
})
