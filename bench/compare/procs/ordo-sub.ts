// One subscriber process of the comparison's ordo-over-WebSocket rows: one subscription to every group of the
// run, from now on. It checks every message as it arrives and allocates nothing per message doing so:
//   - gsn dense and increasing (one subscription covering every group of a fresh server sees every gsn);
//   - per publisher (payload's index), the payload seq is the last one + 1 and equals the wire pseq;
//   - payload length, and the filler's last byte intact.
// Latency runs record receive time minus each message's intended send time (µs) into an HdrHistogram, from the
// end of the warm-up on.
//
// Commands: "go <shared-clock ms>" (publishing starts; latency counts from then + warmupMs), "expect <n>" (the
// publishers acknowledged n messages in total: finish when n arrived, or report what is missing after
// waitMs). Prints {"progress"} each second and {"result"} once.

import * as hdr from 'hdr-histogram-js'
import { MessageCursor } from '../../../codec/index.js'
import { RawConn } from '../../gateway-raw-conn.js'
import { emit, onCommand } from './child.js'
import { PUB_POS, SEQ_POS, DUE_POS, sharedClockMs } from './ordo-payload.js'

export interface OrdoSubArgs {
  url: string
  index: number
  groups: string[]
  publishers: number
  payloadBytes: number
  latency: boolean
  warmupMs: number
  /** After "expect", how long to wait for the rest before reporting it missing. */
  waitMs: number
}

export interface OrdoSubResult {
  delivered: number
  /** Shared-clock ms of the first and last Deliver frame. */
  t_first: number
  t_last: number
  problems: string[]
  /** Latency runs: the histogram (hdr-histogram-js compressed base64) and its sample count. */
  hist: string | null
  samples: number
}

const a = JSON.parse(process.argv[2]!) as OrdoSubArgs
const nowMs = sharedClockMs
const TWO_POW_32 = 4294967296
const MAX_PROBLEMS = 10

const conn = await RawConn.open(a.url)
await conn.hello()
const ids = await conn.resolve(a.groups)
await conn.subscribe(1, ids, 0)

const cursor = new MessageCursor()
const nextSeq = new Float64Array(a.publishers).fill(1)
const h = a.latency ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 }) : null
const problems: string[] = []
let problemCount = 0
let delivered = 0
let lastGsn = 0
let tFirst = 0
let tLast = 0
let measureFrom = Infinity
let expected = -1
let finished = false
const fillerPos = a.payloadBytes - 1
const fillerByte = fillerPos & 255

function problem(text: string): void {
  problemCount++
  if (problems.length < MAX_PROBLEMS) problems.push(text)
}

conn.onDeliver = (frame) => {
  const now = nowMs()
  if (tFirst === 0) tFirst = now
  tLast = now
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length)
  // reset returns the message count, or a negative codec result for a frame that is not Publish/Deliver.
  const rc = cursor.reset(frame, 0, frame.length)
  if (rc < 0) {
    problem(`subscriber ${a.index}: undecodable Deliver frame (code ${rc})`)
    return
  }
  while (cursor.next()) {
    delivered++
    const gsn = cursor.gsn
    if (lastGsn !== 0 && gsn !== lastGsn + 1) problem(`subscriber ${a.index}: gsn ${gsn} after ${lastGsn}`)
    lastGsn = gsn
    const p = cursor.payloadOffset
    if (cursor.payloadLength !== a.payloadBytes) {
      problem(`subscriber ${a.index}: gsn ${gsn}: payload length ${cursor.payloadLength}, expected ${a.payloadBytes}`)
      continue
    }
    const pi = view.getUint32(p + PUB_POS, true)
    const seq = view.getUint32(p + SEQ_POS, true) + view.getUint32(p + SEQ_POS + 4, true) * TWO_POW_32
    if (pi >= a.publishers) {
      problem(`subscriber ${a.index}: gsn ${gsn}: publisher index ${pi} out of range`)
      continue
    }
    const want = nextSeq[pi]!
    if (seq !== want) problem(`subscriber ${a.index}: publisher ${pi}: seq ${seq}, expected ${want} (gsn ${gsn})`)
    if (seq !== cursor.pseq) problem(`subscriber ${a.index}: gsn ${gsn}: payload seq ${seq} but pseq ${cursor.pseq}`)
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
