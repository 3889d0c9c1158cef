// FrameWriter builds Deliver frames from copied blobs; subscription and
// durable_gsn can be patched in place and the generated readers see the patch.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  BAD_ARGUMENT,
  blobLengthAt,
  BodyType,
  deliverBlobsPos,
  FrameWriter,
  FULL,
  MISALIGNED,
  NO_SPACE,
  patchDeliverDurableGsn,
  patchDeliverSubscription,
  stampBlob,
  stampBlobGseq,
  verifyFrame,
  writeMessage,
  writerFrameKind,
  WRONG_STATE,
  Verdict,
} from '../../codec/index.js'
import { readWithGenerated } from './helpers/checked-read.js'
import { fastPublish } from './helpers/sample-frames.js'

/** A run of sequenced blobs like the sequenced ring holds. */
function sequencedRun(count: number): { bytes: Uint8Array; positions: number[]; lengths: number[] } {
  const bytes = new Uint8Array(count * 200)
  const positions: number[] = []
  const lengths: number[] = []
  let pos = 0
  for (let i = 0; i < count; i++) {
    const payload = new TextEncoder().encode(`payload-${i}`)
    const len = writeMessage(bytes, pos, 11, i + 1, [i % 4, 10 + (i % 4)], 2, payload, 0, payload.length)
    stampBlob(bytes, pos, 1000 + i, 1_700_000_000_000 + i)
    stampBlobGseq(bytes, pos, 0, 2 * i + 1)
    stampBlobGseq(bytes, pos, 1, 2 * i + 2)
    positions.push(pos)
    lengths.push(len)
    pos += len
  }
  return { bytes, positions, lengths }
}

test('Deliver frame from copied blobs reads back; patches are visible to the generated readers', () => {
  const run = sequencedRun(5)
  const out = new Uint8Array(4096)
  const w = new FrameWriter(out)
  assert.equal(w.beginDeliver(8, 1, 1004, 8), 0)
  for (let i = 0; i < 5; i++) assert.equal(w.addBlob(run.bytes, run.positions[i]!, blobLengthAt(run.bytes, run.positions[i]!)), 0)
  const len = w.finish()
  assert.equal(len, w.position - 8)
  assert.equal(len % 8, 0)
  const frame = out.subarray(8, 8 + len)
  const verdict = new Verdict()
  assert.equal(verifyFrame(frame, 0, len, undefined, verdict), 0, verdict.toString())
  assert.equal(verdict.messageCount, 5)
  assert.equal(writerFrameKind(out, 8, len), BodyType.Deliver)

  patchDeliverSubscription(out, 8, 0xfffffffe)
  patchDeliverDurableGsn(out, 8, 2 ** 40 + 3)
  const read = readWithGenerated(frame) as { subscription: number; durableGsn: bigint; messages: { gsn: bigint; gseqs: bigint[]; time: bigint; pseq: bigint }[] }
  assert.equal(read.subscription, 0xfffffffe)
  assert.equal(read.durableGsn, 2n ** 40n + 3n)
  assert.deepEqual(
    read.messages.map((m) => [m.gsn, m.pseq, m.gseqs, m.time]),
    [0, 1, 2, 3, 4].map((i) => [BigInt(1000 + i), BigInt(i + 1), [BigInt(2 * i + 1), BigInt(2 * i + 2)], BigInt(1_700_000_000_000 + i)]),
  )
  assert.equal(verifyFrame(frame, 0, len), 0, 'still valid after patching')
})

test('FrameWriter sentinels: FULL, NO_SPACE, MISALIGNED, WRONG_STATE, BAD_ARGUMENT', () => {
  const w = new FrameWriter(new Uint8Array(512))
  const p = new Uint8Array(8)
  assert.equal(w.addMessage(1, 1, [1], 1, p, 0, 8), WRONG_STATE)
  assert.equal(w.finish(), WRONG_STATE)
  assert.equal(w.beginPublish(4, 1), MISALIGNED)
  assert.equal(w.beginPublish(0, 1000), NO_SPACE)
  assert.equal(w.beginPublish(0, -1), BAD_ARGUMENT)
  assert.equal(w.beginPublish(0, 1), 0)
  assert.equal(w.addMessage(1, 1, [1], 1, p, 0, 8), 0)
  assert.equal(w.addMessage(1, 2, [1], 1, p, 0, 8), FULL)
  assert.equal(w.addBlob(p, 0, 8), FULL)
  assert.ok(w.finish() > 0)
  assert.equal(w.beginPublish(0, 4), 0)
  assert.equal(w.addMessage(1, 1, [1], 1, new Uint8Array(1000), 0, 1000), NO_SPACE)
  assert.equal(w.count, 0, 'a refused message leaves no slot behind')
  assert.equal(w.addBlob(p, 0, 7), BAD_ARGUMENT)
  assert.equal(w.addBlob(p, 4, 8), BAD_ARGUMENT)
  const len = w.finish()
  assert.equal(verifyFrame(w.target, 0, len), 0)
})

test('unused reserved slots are zeroed and the frame stays valid', () => {
  const out = new Uint8Array(2048)
  out.fill(0xaa)
  const w = new FrameWriter(out)
  assert.equal(w.beginPublish(0, 10), 0)
  const payload = new Uint8Array(20)
  assert.equal(w.addMessage(1, 1, [3], 1, payload, 0, 20), 0)
  assert.equal(w.blobPos(0), 88) // align8(44 + 40)
  const len = w.finish()
  for (let i = 48; i < 84; i++) assert.equal(out[i], 0, `slot byte ${i}`)
  const verdict = new Verdict()
  assert.equal(verifyFrame(out, 0, len, undefined, verdict), 0, verdict.toString())
  assert.equal(verdict.messageCount, 1)
  assert.equal(deliverBlobsPos(10), 112)
})

test('writerFrameKind recognises FrameWriter headers only', () => {
  const pub = fastPublish(2)
  assert.equal(writerFrameKind(pub, 0, pub.length), BodyType.Publish)
  const bad = pub.slice()
  bad[4] = 9
  assert.equal(writerFrameKind(bad, 0, bad.length), 0)
  assert.equal(writerFrameKind(pub, 0, 10), 0)
})
