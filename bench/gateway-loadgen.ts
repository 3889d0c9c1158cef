// The gateway benchmark's load generator: a separate process from the server,
// speaking the wire protocol over `ws` connections. One scenario per run,
// chosen by argv; prints one JSON line with the result.
//
//   throughput <url> <subs> <seconds>   1 publisher -> <subs> subscribers of one group
//   latency <url> <rate> <seconds>      publish->deliver latency at a fixed rate
//   idle <url> <conns>                  open idle connections, print "idle-ready", wait for "done"

import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import { MessageCursor } from '../codec/index.js'
import { DELIVER_SLOTS_POS } from '../codec/internal.js'
import { PublishPump } from './gateway-publish-pump.js'
import { RawConn } from './gateway-raw-conn.js'

const [mode, url, a, b] = process.argv.slice(2)
/** Messages per Publish frame and messages in flight (overridable to explore; defaults used for the reported figures). */
const PER_FRAME = Number(process.env.ORDO_BENCH_PER_FRAME ?? 256)
const WINDOW = Number(process.env.ORDO_BENCH_WINDOW ?? 131072)
/** Fan-out: most messages the publisher may be ahead of the slowest subscriber. */
const FANOUT_AHEAD = Number(process.env.ORDO_BENCH_FANOUT_AHEAD ?? 8192)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** gsn of message i of a Deliver frame written by FrameWriter (slot -> canonical blob -> gsn). */
function deliverGsn(frame: Buffer, i: number): number {
  const slot = DELIVER_SLOTS_POS + 4 * i
  const table = slot + frame.readUInt32LE(slot)
  // The blob's gsn sits 8 bytes into its table (codec/message-layout.ts: GSN_POS - TABLE_POS).
  return frame.readUInt32LE(table + 8) + frame.readUInt32LE(table + 12) * 4294967296
}

async function throughput(url: string, subs: number, seconds: number) {
  const group = `bench.tp.${process.pid}.${Date.now()}`
  const pubConn = await RawConn.open(url)
  const publisher = await pubConn.hello()
  const [gid] = await pubConn.resolve([group])
  const delivered = new Float64Array(subs)
  let pump: PublishPump | null = null
  let frames = 0
  let gapErrors = 0
  const conns: RawConn[] = []
  for (let i = 0; i < subs; i++) {
    const c = await RawConn.open(url)
    await c.hello()
    await c.subscribe(1, [gid!], 0)
    let last = 0
    c.onDeliver =
      subs === 1
        ? (frame, count) => {
            // Self-check on the single subscriber: one group, one publisher, so gsns are
            // dense: the frame's first gsn follows the last one seen and its last gsn is
            // first + count - 1 (read from the first and last blob, not every message).
            const first = deliverGsn(frame, 0)
            const lastOfFrame = deliverGsn(frame, count - 1)
            if ((last !== 0 && first !== last + 1) || lastOfFrame !== first + count - 1) gapErrors++
            last = lastOfFrame
            delivered[i]! += count
            frames++
          }
        : (_frame, count) => {
            delivered[i]! += count
            frames++
            if (pump !== null) pump.fill()
          }
    conns.push(c)
  }
  pump = new PublishPump(pubConn, publisher, [gid!], PER_FRAME, 100, WINDOW)
  const total = () => delivered.reduce((x, y) => x + y, 0)
  if (subs > 1) {
    // Fan-out: the publisher may run at most FANOUT_AHEAD messages ahead of the
    // slowest subscriber, so the figure is what all subscribers take in, not a
    // backlog piling up (which would make the server pause them as slow consumers).
    const p = pump
    p.gate = () => {
      let min = Infinity
      for (let k = 0; k < subs; k++) if (delivered[k]! < min) min = delivered[k]!
      return p.sent - min < FANOUT_AHEAD
    }
  }
  pump.start()
  await sleep(1000)
  const d0 = total()
  const a0 = pump.acked
  const f0 = frames
  const t0 = performance.now()
  await sleep(seconds * 1000)
  const d1 = total()
  const a1 = pump.acked
  const f1 = frames
  const t1 = performance.now()
  pump.stop()
  const deadline = Date.now() + 60_000
  while ((pump.inFlight > 0 || total() < pump.acked * subs) && Date.now() < deadline) await sleep(10)
  const complete = delivered.every((d) => d === pump.acked)
  for (const c of [pubConn, ...conns]) c.close()
  const s = (t1 - t0) / 1000
  return {
    mode: 'throughput',
    subs,
    delivered_per_s: (d1 - d0) / s,
    acked_per_s: (a1 - a0) / s,
    messages_per_frame: (d1 - d0) / Math.max(1, f1 - f0),
    acked_total: pump.acked,
    complete,
    gap_errors: gapErrors,
  }
}

async function latency(url: string, rate: number, seconds: number) {
  const group = `bench.lat.${process.pid}.${Date.now()}`
  const sub = await RawConn.open(url)
  await sub.hello()
  const [gid] = await sub.resolve([group])
  await sub.subscribe(1, [gid!], 0)
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
  // The same latency split at the sequencer's time stamp (Message.time, µs since the epoch;
  // the server's clock, so each half carries the clocks' offset, tens of µs at most here).
  const toSeq = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2 })
  const fromSeq = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2 })
  const cursor = new MessageCursor()
  let received = 0
  let warmupUntil = 0
  sub.onDeliver = (frame) => {
    const now = performance.timeOrigin + performance.now()
    const view = new DataView(frame.buffer, frame.byteOffset, frame.length)
    cursor.reset(frame, 0, frame.length)
    while (cursor.next()) {
      received++
      const due = view.getFloat64(cursor.payloadOffset, true)
      if (due < warmupUntil) continue
      h.recordValue(Math.max(1, Math.round((now - due) * 1000)))
      toSeq.recordValue(Math.max(1, Math.round(cursor.time - due * 1000)))
      fromSeq.recordValue(Math.max(1, Math.round(now * 1000 - cursor.time)))
    }
  }
  const worker = new Worker(new URL('./gateway-latency-publisher.worker.js', import.meta.url), { workerData: { url, group, rate, seconds: seconds + 1 } })
  const done = new Promise<{ sent: number; acked: number }>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean; done?: boolean; sent: number; acked: number }) => {
      if (m.ready) warmupUntil = performance.timeOrigin + performance.now() + 1000
      if (m.done) resolve(m)
    })
    worker.on('error', reject)
  })
  const r = await done
  const deadline = Date.now() + 10_000
  while (received < r.sent && Date.now() < deadline) await sleep(5)
  sub.close()
  await worker.terminate()
  return {
    mode: 'latency',
    rate,
    sent: r.sent,
    acked: r.acked,
    received,
    measured: h.totalCount,
    p50_us: h.getValueAtPercentile(50),
    p99_us: h.getValueAtPercentile(99),
    p999_us: h.getValueAtPercentile(99.9),
    max_us: h.maxValue,
    to_sequenced_p50_us: toSeq.getValueAtPercentile(50),
    to_sequenced_p99_us: toSeq.getValueAtPercentile(99),
    from_sequenced_p50_us: fromSeq.getValueAtPercentile(50),
    from_sequenced_p99_us: fromSeq.getValueAtPercentile(99),
  }
}

async function idle(url: string, count: number) {
  const conns: RawConn[] = []
  for (let i = 0; i < count; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, async () => {
        const c = await RawConn.open(url)
        await c.hello()
        return c
      }),
    )
    conns.push(...batch)
    if (i % 2000 === 0) process.stderr.write(`loadgen: ${conns.length}/${count} idle connections\n`)
  }
  process.stdout.write(`idle-ready ${conns.length}\n`)
  for await (const line of createInterface({ input: process.stdin })) if (line.trim() === 'done') break
  for (const c of conns) c.close()
  return { mode: 'idle', conns: conns.length }
}

let result: unknown
if (mode === 'throughput') result = await throughput(url!, Number(a), Number(b))
else if (mode === 'latency') result = await latency(url!, Number(a), Number(b))
else if (mode === 'idle') result = await idle(url!, Number(a))
else throw new Error(`unknown mode ${mode}: throughput | latency | idle`)
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
