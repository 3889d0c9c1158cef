// The latency floor's publisher: a `ws` client paced exactly like procs/ordo-client-pub.js in latency mode (open
// loop, a timed sleep to each message's intended send time, messages that fell due together in one frame, one
// event-loop turn after each), sending ordo Publish frames with the same payload (ordo-payload.ts) to the bare
// relay. Nothing comes back: the relay acknowledges nothing.
//
//   node bare-relay-pub.js '{"url":"ws://127.0.0.1:N/pub","payloadBytes":100,"rate":5000,"seconds":12}'

import WebSocket from 'ws'
import { FrameWriter } from '../../../codec/index.js'
import { emit, onCommand } from './child.js'
import { DUE_POS, SEQ_POS, payloadTemplate, sharedClockMs } from './ordo-payload.js'

export interface BareRelayPubArgs {
  url: string
  payloadBytes: number
  rate: number
  seconds: number
}

const a = JSON.parse(process.argv[2]!) as BareRelayPubArgs
const nowMs = sharedClockMs
const ws = new WebSocket(a.url, { perMessageDeflate: false })
await new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve())
  ws.once('error', reject)
})
const payload = payloadTemplate(a.payloadBytes)
const view = new DataView(payload.buffer)
const buf = new Uint8Array(1 << 20)
const w = new FrameWriter(buf)
const group = [1]

async function run(): Promise<{ sent: number }> {
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  const interval = 1000 / a.rate
  const t_start = nowMs()
  const end = t_start + 20 + a.seconds * 1000
  let due = t_start + 20
  let seq = 0
  while (due < end) {
    const now = nowMs()
    if (due > now) Atomics.wait(sleeper, 0, 0, due - now)
    const t = nowMs()
    w.beginPublish(0, 64)
    while (due <= t && due < end && w.count < 64) {
      seq++
      view.setUint32(SEQ_POS, seq, true)
      view.setFloat64(DUE_POS, due, true)
      w.addMessage(1, seq, group, 1, payload, 0, payload.length)
      due += interval
    }
    const n = w.finishCompact()
    if (w.count > 0) ws.send(buf.subarray(0, n))
    await new Promise((r) => setImmediate(r))
  }
  return { sent: seq }
}

emit({ ready: true })
onCommand((line) => {
  if (line !== 'go') return
  run().then(
    (r) => emit({ result: r }),
    (e: unknown) => emit({ error: e instanceof Error ? e.message : String(e) }),
  )
})
