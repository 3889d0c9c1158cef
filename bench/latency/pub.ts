// The publisher of the publish -> deliver latency benchmark, one process, open loop:
// message i is due at t0 + i / rate; the process sleeps (Atomics.wait) to the next due
// time, sends every message that fell due, then ends the event-loop turn (acks and other
// socket events are handled there). Each payload carries its seq, due time and the time
// it was handed over (latency-payload.ts).
//
//   mode 'client'  ordo's client library: client.publish() per message (the library
//                  coalesces what one turn publishes into one Publish frame)
//   mode 'raw'     the `ws` package directly: one Publish frame per turn to the bare relay
//
// Per message it records its due time, when it was handed over and when the frame holding
// it was written to the socket (ws.send returned; for the client library ws's send is
// wrapped to see it), and writes the three as f64 triples indexed by seq to <dump>.
//
//   node pub.js '{"mode":"client","url":..,"rate":5000,"seconds":10,"warmupMs":1000,"payloadBytes":100,"dump":"/tmp/x"}'
//   stdin "go": run, print {"result":{sent, start (first due time), acked, errors, gc}}

import { writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { FrameWriter, MessageCursor } from '../../codec/index.js'
import { connect } from '../../gateway/client/index.js'
import { monotonicMs } from '../../engine/trace/monotonic-clock.js'
import { emit, onCommand } from '../compare/procs/child.js'
import { CALL_POS, DUE_POS, SEQ_POS, latencyPayload } from './latency-payload.js'
import { GcLog } from './gc-log.js'
import { HeapSampler } from './heap-sampler.js'

export interface PubArgs {
  mode: 'client' | 'raw'
  url: string
  rate: number
  seconds: number
  warmupMs: number
  payloadBytes: number
  dump: string
  /** Write this process's allocation profile of the run here (.heapprofile). */
  heapProfile?: string
}

const a = JSON.parse(process.argv[2]!) as PubArgs
const total = Math.ceil(a.rate * (a.seconds + a.warmupMs / 1000)) + 1
// [due, call, sent] per seq (index seq * 3)
const times = new Float64Array((total + 1) * 3)
const cursor = new MessageCursor()
const errors: string[] = []

/** Records the write time of every message in a Publish frame (its pseq is its seq). */
function stampFrame(data: unknown, t: number): void {
  if (!(data instanceof Uint8Array)) return
  if (cursor.reset(data, 0, data.length) <= 0) return
  while (cursor.next()) {
    const pseq = cursor.pseq
    if (pseq > 0 && pseq <= total) times[pseq * 3 + 2] = t
  }
}

type Send = (msg: Uint8Array) => void
let send: Send
let publish: ((payload: Uint8Array) => void) | null = null
let acked = 0
let flushClient: () => Promise<void> = async () => {}
let closeClient: () => Promise<void> = async () => {}

if (a.mode === 'client') {
  // See when the library's frames reach the socket without changing the library.
  const proto = WebSocket.prototype as unknown as { send: (...args: unknown[]) => void }
  const original = proto.send
  proto.send = function (this: unknown, ...args: unknown[]) {
    original.apply(this, args)
    stampFrame(args[0], monotonicMs())
  }
  const client = await connect(a.url, { onError: (e) => errors.length < 10 && errors.push(`${e.codeName}: ${e.message}`) })
  await client.resolveGroups(['lat'])
  const groups = ['lat']
  const onAck = (): void => {
    acked++
  }
  const onFail = (e: unknown): void => {
    if (errors.length < 10) errors.push(e instanceof Error ? e.message : String(e))
  }
  publish = (payload) => {
    client.publish(groups, payload).then(onAck, onFail)
  }
  send = () => {}
  flushClient = () => client.flush()
  closeClient = () => client.close()
} else {
  const ws = new WebSocket(`${a.url}/pub`, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  send = (frame) => {
    ws.send(frame)
    stampFrame(frame, monotonicMs())
  }
  closeClient = async () => ws.close()
}

// Client mode writes payloads into a pool of buffers used in turn: a library that encodes a
// message when it flushes rather than when it is called still sees each message's own bytes.
// Raw mode copies the payload into its frame at once, so one buffer does.
const POOL = a.mode === 'client' ? 8192 : 1

/**
 * The paced loop, one event-loop turn per wake-up: sleep to the next due time, hand over
 * what fell due, end the turn (setImmediate with one bound function: the load generator's
 * own garbage per turn is one Immediate, the same for both systems).
 */
class Pacer {
  private readonly pool = Array.from({ length: POOL }, () => latencyPayload(a.payloadBytes))
  private readonly views = this.pool.map((p) => new DataView(p.buffer))
  private readonly buf = new Uint8Array(1 << 20)
  private readonly w = new FrameWriter(this.buf)
  private readonly group = [1]
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4))
  private readonly interval = 1000 / a.rate
  readonly start = monotonicMs() + 20
  private readonly end = this.start + a.warmupMs + a.seconds * 1000
  private due = this.start
  seq = 0
  private done: (() => void) | null = null
  private readonly stepBound = (): void => this.step()

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve
      this.step()
    })
  }

  private step(): void {
    if (!(this.due < this.end && this.seq < total)) {
      this.done!()
      return
    }
    const now = monotonicMs()
    if (this.due > now) Atomics.wait(this.sleeper, 0, 0, this.due - now)
    const t = monotonicMs()
    let k = 0
    for (let d = this.due; d <= t && d < this.end && this.seq + k < total; d += this.interval) k++
    const w = this.w
    if (publish === null) w.beginPublish(0, k)
    for (let i = 0; i < k; i++) {
      const seq = ++this.seq
      const payload = this.pool[seq % POOL]!
      const view = this.views[seq % POOL]!
      const call = monotonicMs()
      view.setUint32(SEQ_POS, seq, true)
      view.setFloat64(DUE_POS, this.due, true)
      view.setFloat64(CALL_POS, call, true)
      times[seq * 3] = this.due
      times[seq * 3 + 1] = call
      if (publish !== null) publish(payload)
      else w.addMessage(1, seq, this.group, 1, payload, 0, payload.length)
      this.due += this.interval
    }
    if (publish === null && k > 0) send(this.buf.subarray(0, w.finish()))
    // End the turn: the library flushes what this turn published; acks are read.
    setImmediate(this.stepBound)
  }
}

async function run(): Promise<{ sent: number; start: number }> {
  const pacer = new Pacer()
  await pacer.run()
  return { sent: pacer.seq, start: pacer.start }
}

const gc = new GcLog()
emit({ ready: true })
onCommand((line) => {
  if (line !== 'go') return
  const from = monotonicMs()
  const sampler = new HeapSampler()
  const started = a.heapProfile === undefined ? Promise.resolve() : sampler.start()
  started.then(run).then(
    async (r) => {
      if (a.heapProfile !== undefined) await sampler.stop(a.heapProfile)
      await flushClient()
      writeFileSync(a.dump, times.subarray(0, (r.sent + 1) * 3))
      emit({ result: { sent: r.sent, start: r.start, acked, errors, gc: gc.since(from) } })
      await closeClient()
    },
    (e: unknown) => emit({ error: e instanceof Error ? e.message : String(e) }),
  )
})
