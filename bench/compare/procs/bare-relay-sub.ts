// The latency floor's subscriber: a `ws` client on the bare relay's /sub, reading each relayed Publish frame with
// MessageCursor and recording receive time minus each message's intended send time (µs) into an HdrHistogram after
// the warm-up, as procs/ordo-client-sub.js does. Checks that seqs arrive dense.
//
// Commands: "go <shared-clock ms>", "expect <n>". Prints {"result"} once (the OrdoSubResult shape).

import * as hdr from 'hdr-histogram-js'
import WebSocket from 'ws'
import { MessageCursor } from '../../../codec/index.js'
import { emit, onCommand } from './child.js'
import { DUE_POS, SEQ_POS, sharedClockMs } from './ordo-payload.js'
import type { OrdoSubResult } from './ordo-sub.js'

const a = JSON.parse(process.argv[2]!) as { url: string; warmupMs: number; waitMs: number }
const nowMs = sharedClockMs
const ws = new WebSocket(a.url, { perMessageDeflate: false })
ws.binaryType = 'nodebuffer'
await new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve())
  ws.once('error', reject)
})
const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
const cursor = new MessageCursor()
const problems: string[] = []
let delivered = 0
let lastSeq = 0
let tFirst = 0
let tLast = 0
let measureFrom = Infinity
let expected = -1
let finished = false

ws.on('message', (data: Buffer) => {
  const now = nowMs()
  if (tFirst === 0) tFirst = now
  tLast = now
  const view = new DataView(data.buffer, data.byteOffset, data.length)
  if (cursor.reset(data, 0, data.length) < 0) {
    if (problems.length < 10) problems.push('bare relay: a frame that does not read as Publish')
    return
  }
  while (cursor.next()) {
    delivered++
    const p = cursor.payloadOffset
    const seq = view.getUint32(p + SEQ_POS, true)
    if (seq !== lastSeq + 1 && problems.length < 10) problems.push(`bare relay: seq ${seq} after ${lastSeq}`)
    lastSeq = seq
    const due = view.getFloat64(p + DUE_POS, true)
    if (due >= measureFrom) {
      const us = Math.round((now - due) * 1000)
      h.recordValue(us < 1 ? 1 : us)
    }
  }
  if (expected >= 0 && delivered >= expected) finish()
})

function finish(): void {
  if (finished) return
  finished = true
  if (expected >= 0 && delivered < expected) problems.push(`bare relay: ${expected - delivered} of ${expected} messages not relayed within ${a.waitMs} ms`)
  const r: OrdoSubResult = { delivered, t_first: tFirst, t_last: tLast, problems, hist: hdr.encodeIntoCompressedBase64(h), samples: h.totalCount }
  ws.terminate()
  emit({ result: r })
}

emit({ ready: true })
onCommand((line) => {
  const [cmd, arg] = line.split(' ')
  if (cmd === 'go') measureFrom = Number(arg) + a.warmupMs
  else if (cmd === 'expect') {
    expected = Number(arg)
    if (delivered >= expected) finish()
    else setTimeout(finish, a.waitMs).unref()
  }
})
