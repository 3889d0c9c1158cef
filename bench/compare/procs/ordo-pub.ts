// One publisher process of the comparison's ordo-over-WebSocket rows. Connects, says Hello, resolves the groups,
// prints {"ready"}; on "go" it publishes, then prints {"result"} and waits for stdin to close.
//
//   throughput  `messages` messages, frames of `perFrame`, at most `window` unacknowledged: as fast as acks return.
//   latency     `rate` msg/s for `seconds`, open loop (the clock drives sending, not acks, so a stalled server
//               cannot slow the schedule and hide its stall); messages that fell due together go in one frame,
//               each stamped with its own intended time.
//
//   node ordo-pub.js '{"url":..,"index":0,"groups":["g0"],"payloadBytes":100,"mode":"throughput",...}'

import { RawConn } from '../../gateway-raw-conn.js'
import { emit, onCommand } from './child.js'
import { OrdoPump } from './ordo-pump.js'
import { sharedClockMs } from './ordo-payload.js'

export interface OrdoPubArgs {
  url: string
  index: number
  groups: string[]
  payloadBytes: number
  mode: 'throughput' | 'latency'
  /** throughput: messages to send, frames of perFrame, window unacknowledged at most. */
  messages: number
  perFrame: number
  window: number
  /** latency: msg/s of this publisher and run length (warm-up included). */
  rate: number
  seconds: number
}

export interface OrdoPubResult {
  sent: number
  acked: number
  /** Shared-clock ms (sharedClockMs): "go" received, last message handed to the socket, last ack counted. */
  t_start: number
  t_sent: number
  t_acked: number
}

const a = JSON.parse(process.argv[2]!) as OrdoPubArgs
const nowMs = sharedClockMs
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const conn = await RawConn.open(a.url)
const publisher = await conn.hello()
const ids = await conn.resolve(a.groups)
const MAX_LATENCY_FRAME = 64
/** No acknowledgement for this long: stop waiting. */
const STALL_MS = 15_000
const pump = new OrdoPump(conn, publisher, a.index, ids, a.mode === 'latency' ? MAX_LATENCY_FRAME : a.perFrame, a.payloadBytes)

async function throughput(): Promise<OrdoPubResult> {
  const t_start = nowMs()
  let t_sent = 0
  const fill = (): void => {
    while (pump.sent < a.messages && pump.inFlight + a.perFrame <= a.window && conn.buffered < 8 * 1024 * 1024) {
      pump.send(Math.min(a.perFrame, a.messages - pump.sent), 0, 0)
      if (pump.sent === a.messages) t_sent = nowMs()
    }
  }
  pump.afterAck = fill
  fill()
  // Acks drive sending; the timer only covers a full socket buffer with nothing in flight to ack. A server that
  // acknowledges nothing for STALL_MS ends the run (the runner reports the unacknowledged messages).
  let lastAcked = -1
  let lastProgress = Date.now()
  while (pump.acked < a.messages && !conn.closed && Date.now() - lastProgress < STALL_MS) {
    await sleep(1)
    fill()
    if (pump.acked !== lastAcked) {
      lastAcked = pump.acked
      lastProgress = Date.now()
    }
  }
  pump.afterAck = null
  return { sent: pump.sent, acked: pump.acked, t_start, t_sent, t_acked: nowMs() }
}

async function latency(): Promise<OrdoPubResult> {
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  const interval = 1000 / a.rate
  const t_start = nowMs()
  const start = t_start + 20
  const end = start + a.seconds * 1000
  let due = start
  let lastYield = nowMs()
  while (due < end) {
    const now = nowMs()
    // Timed sleep to the next due time (this process has nothing else to do; the kernel's timer slack makes it
    // late by tens of µs, and what fell due meanwhile goes out together, each with its own due time).
    if (due > now) Atomics.wait(sleeper, 0, 0, due - now)
    const t = nowMs()
    let n = 0
    let first = due
    while (due <= t && due < end) {
      n++
      due += interval
      if (n === MAX_LATENCY_FRAME) {
        pump.send(n, first, interval)
        n = 0
        first = due
      }
    }
    if (n > 0) pump.send(n, first, interval)
    // Let the event loop read acks now and then.
    if (t - lastYield > 5) {
      lastYield = nowMs()
      await new Promise((r) => setImmediate(r))
    }
  }
  const t_sent = nowMs()
  const deadline = Date.now() + 10_000
  while (pump.acked < pump.sent && !conn.closed && Date.now() < deadline) await sleep(5)
  return { sent: pump.sent, acked: pump.acked, t_start, t_sent, t_acked: nowMs() }
}

emit({ ready: true, publisher })
onCommand((line) => {
  if (line !== 'go') return
  const run = a.mode === 'latency' ? latency() : throughput()
  run.then(
    (r) => emit({ result: r }),
    (e: unknown) => emit({ error: e instanceof Error ? e.message : String(e) }),
  )
})
