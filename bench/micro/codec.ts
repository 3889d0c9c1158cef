// Codec microbenchmark: the per-message codec steps of the hot path, on frames of ONE
// message (codec-microbench measures frames of 100; here the fixed cost per frame shows).
//
//   client ──FrameWriter encode──▶ Publish frame (1 msg) ──verifyFrame + MessageCursor──▶ gateway
//   sequencer ──stamp gsn, time, 2 gseqs──▶ blob in shared memory
//
// 100-byte payload, 2 groups, a 48-bit publisher id (above 2^31, as the engine assigns).
// One call repeats the operation REPS times; figures are per operation.

import { FrameWriter, MessageCursor, stampBlob, stampBlobGseq, Verdict, verifyFrame, writeMessage } from '../../codec/index.js'
import type { MicroArea } from './measure.js'

const REPS = 100
const PAYLOAD = 100
const PUBLISHER = 0x9abc_def0_1234

export function codecArea(): MicroArea {
  const payload = new Uint8Array(PAYLOAD)
  for (let i = 0; i < PAYLOAD; i++) payload[i] = (i * 13 + 5) & 0xff
  const groups = new Uint32Array([3, 17])
  const writer = new FrameWriter(new Uint8Array(4096))
  const verdict = new Verdict()
  const cursor = new MessageCursor()
  // A verified-once frame of one message.
  writer.beginPublish(0, 1)
  writer.addMessage(PUBLISHER, 1, groups, 2, payload, 0, PAYLOAD)
  const frame = writer.target.slice(0, writer.finish())
  // A blob in shared memory (the sequenced ring's kind of memory) for stamping.
  const shared = new Uint8Array(new SharedArrayBuffer(4096))
  const blobLen = writeMessage(shared, 0, PUBLISHER, 1, groups, 2, payload, 0, PAYLOAD)
  // Harness state in typed arrays: doubles stored in closure variables are boxed.
  const st = new Int32Array(4) // 0 checksum, 1 pseq, 2 gsn, 3 errors
  const f64 = new Float64Array(1) // 0 time (µs since the epoch: a double)
  f64[0] = 1_767_225_600_000_000
  st[1] = 1
  st[2] = 1

  const verifyIterate = (): void => {
    for (let r = 0; r < REPS; r++) {
      if (verifyFrame(frame, 0, frame.length, undefined, verdict) !== 0) {
        st[3]++
        return
      }
      cursor.reset(frame, 0, frame.length, verdict)
      let sum = 0
      while (cursor.next()) {
        sum = (sum + cursor.pseq + cursor.payloadLength + cursor.groupCount + cursor.group(0) + cursor.gseq(1)) | 0
      }
      st[0] = (st[0]! + sum) | 0
    }
  }

  const encode = (): void => {
    for (let r = 0; r < REPS; r++) {
      writer.beginPublish(0, 1)
      if (writer.addMessage(PUBLISHER, st[1]!, groups, 2, payload, 0, PAYLOAD) !== 0) st[3]++
      st[0] = (st[0]! + writer.finish()) | 0
      st[1]++
    }
  }

  const stamp = (): void => {
    const time = f64[0]!
    for (let r = 0; r < REPS; r++) {
      const gsn = st[2]!
      stampBlob(shared, 0, gsn, time + r)
      stampBlobGseq(shared, 0, 0, gsn)
      stampBlobGseq(shared, 0, 1, gsn + 1)
      st[2] = gsn + 1
    }
  }

  return {
    cases: [
      { area: 'codec', name: 'verify + iterate Publish frame of 1 msg', opsPerCall: REPS, unit: 'frame', fn: verifyIterate },
      { area: 'codec', name: 'FrameWriter encode Publish of 1 msg', opsPerCall: REPS, unit: 'frame', fn: encode },
      { area: 'codec', name: 'stamp gsn + time + 2 gseqs (SAB)', opsPerCall: REPS, unit: 'message', fn: stamp },
    ],
    check() {
      if (st[3] !== 0) throw new Error(`codec bench: ${st[3]} operations failed (${verdict.toString()})`)
      writer.beginPublish(0, 1)
      writer.addMessage(PUBLISHER, 7, groups, 2, payload, 0, PAYLOAD)
      const n = writer.finish()
      if (verifyFrame(writer.target, 0, n, undefined, verdict) !== 0 || verdict.messageCount !== 1) throw new Error(`codec bench: encoded frame invalid: ${verdict.toString()}`)
      if (blobLen <= 0) throw new Error('codec bench: blob not written')
    },
    close() {},
  }
}
