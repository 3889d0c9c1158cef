// Latency publisher (a worker thread of the load generator): one message per
// slot at a fixed rate, each carrying its *intended* send time, so the
// subscriber measures publish->deliver latency with coordinated omission
// corrected (a late send counts from when it was due). Between slots it sleeps
// with Atomics.wait, so it does not take a core from the server.

import { workerData, parentPort } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { RawConn } from './gateway-raw-conn.js'
import { PublishPump } from './gateway-publish-pump.js'

const { url, group, rate, seconds } = workerData as { url: string; group: string; rate: number; seconds: number }
const sleeper = new Int32Array(new SharedArrayBuffer(4))
const nowMs = () => performance.timeOrigin + performance.now()

const conn = await RawConn.open(url)
const publisher = await conn.hello()
const [gid] = await conn.resolve([group])
// Up to 64 messages that fell due together go in one frame. Window unused: the
// clock drives sending, not acks (an open loop, so a stalled server cannot slow
// the schedule down and hide its own stall).
const MAX_PER_FRAME = 64
const pump = new PublishPump(conn, publisher, [gid!], MAX_PER_FRAME, 100, Number.MAX_SAFE_INTEGER)
const stamps = new Float64Array(MAX_PER_FRAME)
let acked = 0
conn.onAck = (n) => {
  acked += n
}
parentPort!.postMessage({ ready: true })
const interval = 1000 / rate
const start = nowMs() + 50
const end = start + seconds * 1000
let due = start
let lastYield = nowMs()
while (due < end) {
  const now = nowMs()
  // Sleep until the next message is due. The kernel's timer slack (~50 us) makes
  // short sleeps longer; what fell due meanwhile goes out together, each message
  // stamped with its own due time, so that delay is counted, not hidden.
  if (due > now) Atomics.wait(sleeper, 0, 0, due - now)
  let n = 0
  const t = nowMs()
  while (due <= t && due < end) {
    stamps[n++] = due
    due += interval
    if (n === MAX_PER_FRAME) {
      pump.sendFirst(n, stamps)
      n = 0
    }
  }
  if (n > 0) pump.sendFirst(n, stamps)
  // Let the worker's event loop read acks now and then.
  if (t - lastYield > 5) {
    lastYield = nowMs()
    await new Promise((r) => setImmediate(r))
  }
}
const t0 = Date.now()
while (acked < pump.sent && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5))
parentPort!.postMessage({ done: true, sent: pump.sent, acked })
conn.close()
