// Latency publisher (a worker thread of the load generator): sends one message
// per slot at a fixed rate, each carrying its *intended* send time, so the
// subscriber measures publish->deliver latency with coordinated omission
// corrected (a late send counts from when it was due). Between slots it sleeps
// with Atomics.wait, so it does not take a core from the server; messages that
// fell due together go out in one frame.

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
// Window unused: sending is driven by the clock below, not by acks.
const one = new PublishPump(conn, publisher, [gid!], 1, 100, Number.MAX_SAFE_INTEGER)
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
  if (due > now + 0.05) {
    Atomics.wait(sleeper, 0, 0, due - now - 0.05)
    continue
  }
  while (due <= nowMs() && due < end) {
    one.sendFrame(due)
    due += interval
  }
  // Let the worker's event loop read acks now and then.
  if (nowMs() - lastYield > 5) {
    lastYield = nowMs()
    await new Promise((r) => setImmediate(r))
  }
}
const t0 = Date.now()
while (acked < one.sent && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5))
parentPort!.postMessage({ done: true, sent: one.sent, acked })
conn.close()
