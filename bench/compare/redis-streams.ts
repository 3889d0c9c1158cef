// Redis Streams throughput, one publisher -> one reader, checked for completeness and order.
//
//   publisher conn --XADD x1000 pipelined (window W batches)--> redis-server --XREAD COUNT 1000 BLOCK--> reader conn
//
// The publisher sends XADD <stream> * d <payload> in pipelines of `batch` commands (Redis's documented way to get
// throughput: one round trip per batch, not per message) with up to `window` pipelines in flight. The reader loops
// XREAD COUNT <batch> BLOCK 1000 STREAMS <stream> <last id> on its own connection. Every payload carries its
// sequence number (u32 lo/hi at bytes 0..7), so the reader checks that each message arrived once, in order, intact.
//
// Fairness: redis-server runs with appendonly yes, appendfsync everysec, so an XADD reply means "in memory and in
// the AOF write buffer", not "fsynced". Compare with ordo's `async` durability.
//
// Run: node dist/bench/compare/redis-streams.js [--messages N] [--payload BYTES] [--batch N] [--window W]
//                                              [--port P (use a running redis-server)] [--json]
// Without --port it starts its own redis-server (bench/compare/peers.ts) and stops it by pid when done.
//
// Not yet: publisher and reader share this process (the issue asks for separate processes), no latency histogram.

import { RespClient, RespReplyError, type RespValue } from './resp-client.js'
import { startRedis, type PeerServer } from './peers.js'

export interface RedisStreamsOptions {
  port: number
  messages: number
  payloadBytes: number
  batch: number
  window: number
  stream?: string
}

export interface RedisStreamsResult {
  messages: number
  payloadBytes: number
  published: number
  delivered: number
  /** Messages acknowledged by XADD per second, first send to last reply. */
  publishedPerSec: number
  /** Messages read by the reader per second, first send to last message read. */
  deliveredPerSec: number
  /** True when every acknowledged message was read exactly once, in publish order, with intact payload. */
  inOrder: boolean
  firstProblem: string | null
}

/** Payload i: bytes 0..3 = i lo u32, 4..7 = i hi u32 (little-endian), rest = (i + k) & 0xff for integrity. */
function fillPayload(buf: Buffer, seq: number): void {
  buf.writeUInt32LE(seq >>> 0, 0)
  buf.writeUInt32LE(Math.floor(seq / 2 ** 32), 4)
  for (let k = 8; k < buf.length; k++) buf[k] = (seq + k) & 0xff
}

/** Empty string when `payload` is message `seq`'s payload, else what is wrong. */
export function checkPayload(payload: Buffer, seq: number, payloadBytes: number): string {
  if (payload.length !== payloadBytes) return `length mismatch: seq=${seq}, length=${payload.length}, expected=${payloadBytes}`
  const got = payload.readUInt32LE(0) + payload.readUInt32LE(4) * 2 ** 32
  if (got !== seq) return `out of order: expected seq=${seq}, got seq=${got}`
  for (let k = 8; k < payloadBytes; k++) {
    if (payload[k] !== ((seq + k) & 0xff)) return `corrupt payload: seq=${seq}, byte=${k}`
  }
  return ''
}

async function publish(client: RespClient, o: Required<RedisStreamsOptions>): Promise<number> {
  const payloads: Buffer[] = []
  for (let i = 0; i < o.batch; i++) payloads.push(Buffer.allocUnsafe(o.payloadBytes))
  let acked = 0
  let nextSeq = 0
  const inFlight = new Set<Promise<void>>()
  while (nextSeq < o.messages) {
    const n = Math.min(o.batch, o.messages - nextSeq)
    const cmds: (string | Buffer)[][] = new Array(n)
    for (let i = 0; i < n; i++) {
      fillPayload(payloads[i], nextSeq + i)
      cmds[i] = ['XADD', o.stream, '*', 'd', payloads[i]]
    }
    nextSeq += n
    // pipeline() encodes the payload bytes into its own buffer before returning, so payloads can be refilled.
    const p: Promise<void> = client.pipeline(cmds).then((replies) => {
      for (const r of replies) {
        if (r instanceof RespReplyError) throw r
      }
      acked += replies.length
      inFlight.delete(p)
    })
    inFlight.add(p)
    if (inFlight.size >= o.window) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  return acked
}

interface ReadState {
  delivered: number
  problem: string | null
  lastAt: number
}

async function read(client: RespClient, o: Required<RedisStreamsOptions>, st: ReadState, stop: () => boolean): Promise<void> {
  let lastId = '0-0'
  while (st.delivered < o.messages && st.problem === null && !stop()) {
    const reply = await client.command(['XREAD', 'COUNT', o.batch, 'BLOCK', 1000, 'STREAMS', o.stream, lastId])
    if (reply === null) continue // BLOCK timed out with nothing new
    // [[stream, [[id, [field, value]], ...]]]
    const entries = ((reply as RespValue[])[0] as RespValue[])[1] as RespValue[]
    for (const e of entries) {
      const [id, fields] = e as [Buffer, Buffer[]]
      const problem = checkPayload(fields[1], st.delivered, o.payloadBytes)
      if (problem !== '') {
        st.problem = problem
        return
      }
      st.delivered++
      lastId = id.toString('latin1')
    }
    st.lastAt = performance.now()
  }
}

/** Runs one publisher and one reader against the redis-server on `port`; deletes the stream first and after. */
export async function runRedisStreams(opts: RedisStreamsOptions): Promise<RedisStreamsResult> {
  const o: Required<RedisStreamsOptions> = { stream: 'ordo-bench', ...opts }
  const pub = await RespClient.connect(o.port)
  const sub = await RespClient.connect(o.port)
  try {
    await pub.command(['DEL', o.stream])
    const st: ReadState = { delivered: 0, problem: null, lastAt: 0 }
    let published = 0
    let publishDone = false
    let publishEnd = 0
    const t0 = performance.now()
    const reader = read(sub, o, st, () => publishDone && st.delivered >= published)
    reader.catch(() => undefined) // if publishing throws, the reader's rejection (connection closed) is not news
    try {
      published = await publish(pub, o)
      publishEnd = performance.now()
    } finally {
      publishDone = true
    }
    await reader
    const pubSec = (publishEnd - t0) / 1000
    const delSec = (st.lastAt - t0) / 1000
    let problem = st.problem
    if (problem === null && st.delivered !== published) {
      problem = `missing messages: published=${published}, delivered=${st.delivered}`
    }
    await pub.command(['DEL', o.stream])
    return {
      messages: o.messages,
      payloadBytes: o.payloadBytes,
      published,
      delivered: st.delivered,
      publishedPerSec: pubSec > 0 ? published / pubSec : 0,
      deliveredPerSec: delSec > 0 ? st.delivered / delSec : 0,
      inOrder: problem === null,
      firstProblem: problem,
    }
  } finally {
    await Promise.all([pub.close(), sub.close()])
  }
}

function argValue(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name)
  if (i < 0) return dflt
  const v = Number(args[i + 1])
  if (!Number.isInteger(v) || v <= 0) throw new Error(`bad option: ${name}=${args[i + 1]}, expected a positive integer`)
  return v
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const json = args.includes('--json')
  const messages = argValue(args, '--messages', 500_000)
  const payloadBytes = argValue(args, '--payload', 100)
  if (payloadBytes < 8) throw new Error(`bad option: --payload=${payloadBytes}, min=8`)
  const batch = argValue(args, '--batch', 1000)
  const window = argValue(args, '--window', 4)
  let server: PeerServer | undefined
  let port = argValue(args, '--port', 0)
  try {
    if (port === 0) {
      server = await startRedis()
      port = server.port
      if (!json) console.error(`redis-server pid=${server.pid} port=${port} dir=${server.dir}`)
    }
    const r = await runRedisStreams({ port, messages, payloadBytes, batch, window })
    if (json) {
      console.log(JSON.stringify({
        redis_xadd_msgs_per_s: Math.round(r.publishedPerSec),
        redis_delivered_msgs_per_s: Math.round(r.deliveredPerSec),
        redis_published: r.published,
        redis_delivered: r.delivered,
        redis_in_order: r.inOrder,
        redis_problem: r.firstProblem,
        payload_bytes: payloadBytes,
        batch,
        window,
      }))
    } else {
      console.log(`redis streams, ${payloadBytes} B payloads, XADD pipelined ${batch}/batch, ${window} batches in flight, appendfsync everysec`)
      console.log(`  published ${r.published} msgs  ${Math.round(r.publishedPerSec).toLocaleString('en-US')} msgs/s (XADD acknowledged)`)
      console.log(`  delivered ${r.delivered} msgs  ${Math.round(r.deliveredPerSec).toLocaleString('en-US')} msgs/s (XREAD COUNT ${batch} BLOCK)`)
      console.log(`  check: ${r.inOrder ? 'every acknowledged message delivered once, in order, intact' : `FAILED: ${r.firstProblem}`}`)
    }
    if (!r.inOrder) process.exitCode = 1
  } finally {
    await server?.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
