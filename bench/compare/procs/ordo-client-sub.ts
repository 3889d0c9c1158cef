// One subscriber process of the comparison's client-library rows: client.subscribe() with the zero-copy handler,
// one subscription to every group of the run, from now on. It checks every message as it arrives:
//   payload 'binary' (ordo-payload.ts): gsn dense and increasing; per publisher (payload's index) the seq is the
//     last one + 1 and equals the pseq; payload length and the filler's last byte intact;
//   payload 'lines' (`ordo publish` from stdin, lines made by linePayload): gsn dense, the line's seq the last + 1.
// Latency runs record receive time minus each message's intended send time (µs) into an HdrHistogram, from the end
// of the warm-up on. Payload fields are read at payloadOffset through one DataView per frame; gsn and pseq through
// the public bigint accessors, as a user of the library reads them.
//
// Commands: "go <shared-clock ms>", "expect <n>" (as procs/ordo-sub.ts). Prints {"progress"} each second and
// {"result"} once (the OrdoSubResult shape).

import * as hdr from 'hdr-histogram-js'
import { connect, type DeliverBatch } from '../../../gateway/client/index.js'
import { emit, onCommand } from './child.js'
import { DUE_POS, PUB_POS, SEQ_POS, sharedClockMs } from './ordo-payload.js'
import type { OrdoSubResult } from './ordo-sub.js'

export interface OrdoClientSubArgs {
  url: string
  index: number
  groups: string[]
  publishers: number
  payloadBytes: number
  payload: 'binary' | 'lines'
  latency: boolean
  warmupMs: number
  waitMs: number
}

const a = JSON.parse(process.argv[2]!) as OrdoClientSubArgs
const nowMs = sharedClockMs
const TWO_POW_32 = 4294967296
const MAX_PROBLEMS = 10
const problems: string[] = []
let problemCount = 0
const problem = (text: string): void => {
  problemCount++
  if (problems.length < MAX_PROBLEMS) problems.push(text)
}

const client = await connect(a.url, { onError: (e) => problem(`subscriber ${a.index}: ${e.codeName}: ${e.message}`) })
await client.resolveGroups(a.groups)

const nextSeq = new Float64Array(a.publishers).fill(1)
const h = a.latency ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 }) : null
let delivered = 0
let lastGsn = 0
let tFirst = 0
let tLast = 0
let measureFrom = Infinity
let expected = -1
let finished = false
let lineSeq = 1
const fillerPos = a.payloadBytes - 1
const fillerByte = fillerPos & 255

function onBatch(b: DeliverBatch): void {
  const now = nowMs()
  if (tFirst === 0) tFirst = now
  tLast = now
  const frame = b.frame
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  while (b.next()) {
    delivered++
    const gsn = Number(b.gsn)
    if (lastGsn !== 0 && gsn !== lastGsn + 1) problem(`subscriber ${a.index}: gsn ${gsn} after ${lastGsn}`)
    lastGsn = gsn
    const p = b.payloadOffset
    if (b.payloadLength !== a.payloadBytes) {
      problem(`subscriber ${a.index}: gsn ${gsn}: payload length ${b.payloadLength}, expected ${a.payloadBytes}`)
      continue
    }
    if (a.payload === 'lines') {
      let seq = 0
      for (let i = 0; i < 12; i++) seq = seq * 10 + (frame[p + i]! - 48)
      if (seq !== lineSeq) problem(`subscriber ${a.index}: line seq ${seq}, expected ${lineSeq} (gsn ${gsn})`)
      lineSeq = seq + 1
      continue
    }
    const pi = view.getUint32(p + PUB_POS, true)
    const seq = view.getUint32(p + SEQ_POS, true) + view.getUint32(p + SEQ_POS + 4, true) * TWO_POW_32
    if (pi >= a.publishers) {
      problem(`subscriber ${a.index}: gsn ${gsn}: publisher index ${pi} out of range`)
      continue
    }
    if (seq !== nextSeq[pi]) problem(`subscriber ${a.index}: publisher ${pi}: seq ${seq}, expected ${nextSeq[pi]} (gsn ${gsn})`)
    if (BigInt(seq) !== b.pseq) problem(`subscriber ${a.index}: gsn ${gsn}: payload seq ${seq} but pseq ${b.pseq}`)
    if (frame[p + fillerPos] !== fillerByte) problem(`subscriber ${a.index}: gsn ${gsn}: payload filler changed`)
    nextSeq[pi] = seq + 1
    if (h !== null) {
      const due = view.getFloat64(p + DUE_POS, true)
      if (due >= measureFrom) {
        const us = Math.round((now - due) * 1000)
        h.recordValue(us < 1 ? 1 : us)
      }
    }
  }
  if (expected >= 0 && delivered >= expected) finish()
}

await client.subscribe(a.groups, {}, onBatch)

function finish(): void {
  if (finished) return
  finished = true
  clearInterval(tick)
  if (expected >= 0 && delivered < expected) problem(`subscriber ${a.index}: ${expected - delivered} of ${expected} acknowledged messages not delivered within ${a.waitMs} ms`)
  if (expected >= 0 && delivered > expected) problem(`subscriber ${a.index}: ${delivered} delivered, more than the ${expected} acknowledged`)
  if (problemCount > problems.length) problems.push(`subscriber ${a.index}: ${problemCount - problems.length} more problems`)
  const r: OrdoSubResult = {
    delivered,
    t_first: tFirst,
    t_last: tLast,
    problems,
    hist: h === null ? null : hdr.encodeIntoCompressedBase64(h),
    samples: h === null ? 0 : h.totalCount,
  }
  emit({ result: r })
}

const tick = setInterval(() => emit({ progress: delivered }), 1000)
emit({ ready: true })
onCommand((line) => {
  const [cmd, arg] = line.split(' ')
  if (cmd === 'go') {
    measureFrom = Number(arg) + a.warmupMs
  } else if (cmd === 'expect') {
    expected = Number(arg)
    if (delivered >= expected) finish()
    else setTimeout(finish, a.waitMs).unref()
  }
})
