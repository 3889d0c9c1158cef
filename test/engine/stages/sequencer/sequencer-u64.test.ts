// The Sequencer core with u64 values past 2^32 (a long-running engine): gsn, time and gseqs
// are stamped exactly, two publishers interleave with their own FIFO checks, a resend is
// answered with its original gsn (above 2^32), a gap with the expected pseq. Driven in one
// thread with real rings in one arena, as the worker does.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { arenaLayout } from '../../../../engine/descriptors/arena-descriptor.js'
import { SpmcRing } from '../../../../engine/ring/spmc-ring.js'
import { SpscRing } from '../../../../engine/ring/spsc-ring.js'
import { EMPTY } from '../../../../codec/results.js'
import { Sequencer } from '../../../../engine/stages/sequencer/sequencer.js'
import { Dedupe } from '../../../../engine/stages/sequencer/dedupe.js'
import { GseqTable } from '../../../../engine/stages/sequencer/gseq-table.js'
import { ArenaIngressSource, ArenaSequencedSink } from '../../../../engine/stages/sequencer/ring-adapters.js'
import {
  NoticeKind, RecordType, batchBlobsAt, batchCount, batchFirstGsn, noticeCode, noticeCount, noticeEntryAt, noticeKind,
  noticePseq, noticePublisher, noticeValue,
} from '../../../../engine/descriptors/sequenced-record-descriptor.js'
import { INGRESS_HEADER, IngressType, writeIngressHeader } from '../../../../engine/descriptors/ingress-record-descriptor.js'
import { ErrorCode } from '../../../../codec/error-codes.js'
import { blobGroup, blobGroupCount, blobGseq, blobGsn, blobLengthAt, blobPseq, blobPublisher, blobTime, writeMessage } from '../../../../codec/index.js'

const TWO_32 = 4294967296
const GSN0 = 3 * TWO_32 + 7
const TIME = 1_767_225_600_123_456
const PUB_A = 0x9abc_def0_1234
const PUB_B = 0x1234_5678_9abc
const A0 = 5 * TWO_32 - 2 // pseqs of A cross a 2^32 boundary
const B0 = TWO_32 + 40

interface Msg {
  publisher: number
  pseq: number
  groups: number[]
}

test('gsns, pseqs, gseqs and times past 2^32 are stamped exactly; resends and gaps are answered', () => {
  const layout = arenaLayout(1 << 20, 1, 1 << 20, 1)
  const arena = new SharedArrayBuffer(layout.totalBytes)
  const bytes = new Uint8Array(arena)
  const i32 = new Int32Array(arena)
  const out = SpmcRing.createIn(arena, layout.sequencedOffset, layout.sequencedCapacity, 1)
  const ingress = SpscRing.createIn(arena, layout.ingressOffsets[0]!, layout.ingressCapacity)
  const gseqs = new GseqTable()
  gseqs.observe(3, 2 * TWO_32 + 1) // group 3 is far along too
  const seq = new Sequencer({
    bytes,
    i32,
    ingress: [new ArenaIngressSource(ingress.consumer, ingress.dataOffset)],
    out: new ArenaSequencedSink(out.producer, out.dataOffset, out.maxPayloadLength),
    dedupe: new Dedupe(1000),
    gseqs,
    nextGsn: GSN0,
    batchMaxMessages: 4096,
    batchMaxBytes: 64 * 1024,
    maxGroups: 16,
    maxGroupId: () => 8,
    clockUs: () => TIME,
    onCommit: () => {},
  })

  const payload = new Uint8Array([1, 2, 3, 4, 5])
  const feed = (msgs: Msg[]): void => {
    let size = INGRESS_HEADER
    const scratch = new Uint8Array(64 * 1024)
    for (const m of msgs) size += writeMessage(scratch, size, m.publisher, m.pseq, m.groups, m.groups.length, payload, 0, payload.length)
    const at = ingress.tryClaim(size, IngressType.blobs)
    assert.ok(at >= 0)
    writeIngressHeader(new Int32Array(scratch.buffer), 0, msgs.length)
    ingress.bytes.set(scratch.subarray(0, size), at)
    ingress.commit()
    assert.equal(seq.doWork(), 1)
    assert.equal(seq.doWork(), 0) // idle: closes and commits
  }

  const fresh: Msg[] = []
  for (let k = 0; k < 6; k++) {
    fresh.push({ publisher: PUB_A, pseq: A0 + k, groups: k % 2 === 0 ? [3] : [3, 5] })
    fresh.push({ publisher: PUB_B, pseq: B0 + k, groups: [5, 1, 3].slice(0, 1 + (k % 3)) })
  }
  feed(fresh)
  // A resend of A's third message, B's next, and a gap for A.
  feed([
    { publisher: PUB_A, pseq: A0 + 2, groups: [3] },
    { publisher: PUB_B, pseq: B0 + 6, groups: [1] },
    { publisher: PUB_A, pseq: A0 + 9, groups: [3] },
  ])

  // Read back everything the sequencer wrote.
  const c = out.consumer(0)
  const seen: { publisher: number; pseq: number; gsn: number; time: number; groups: number[]; gseqs: number[] }[] = []
  const notices: { kind: number; code: number; publisher: number; pseq: number; value: number }[] = []
  for (let at = c.peek(); at !== EMPTY; at = c.peek()) {
    const abs = out.dataOffset + at
    if (c.recordType === RecordType.batch) {
      const count = batchCount(i32, abs)
      const first = batchFirstGsn(i32, abs)
      let p = batchBlobsAt(abs)
      for (let k = 0; k < count; k++) {
        const n = blobGroupCount(bytes, p)
        const groups = Array.from({ length: n }, (_, g) => blobGroup(bytes, p, g))
        const m = { publisher: blobPublisher(bytes, p), pseq: blobPseq(bytes, p), gsn: blobGsn(bytes, p), time: blobTime(bytes, p), groups, gseqs: groups.map((_, g) => blobGseq(bytes, p, g)) }
        assert.equal(m.gsn, first + k)
        seen.push(m)
        p += blobLengthAt(bytes, p)
      }
    } else {
      const count = noticeCount(i32, abs)
      for (let k = 0; k < count; k++) {
        const e = noticeEntryAt(abs, k)
        notices.push({ kind: noticeKind(i32, e), code: noticeCode(i32, e), publisher: noticePublisher(i32, e), pseq: noticePseq(i32, e), value: noticeValue(i32, e) })
      }
    }
    c.advance()
  }
  c.releaseAll()

  // 12 fresh, then B's next: gsns dense from GSN0, each publisher in pseq order, times exact.
  assert.equal(seen.length, 13)
  const expected = [...fresh, { publisher: PUB_B, pseq: B0 + 6, groups: [1] }]
  const gseq = new Map<number, number>([[3, 2 * TWO_32 + 1]])
  seen.forEach((m, k) => {
    const want = expected[k]!
    assert.equal(m.gsn, GSN0 + k)
    assert.equal(m.time, TIME)
    assert.equal(m.publisher, want.publisher)
    assert.equal(m.pseq, want.pseq)
    assert.deepEqual(m.groups, want.groups)
    assert.deepEqual(
      m.gseqs,
      want.groups.map((g) => {
        const v = (gseq.get(g) ?? 0) + 1
        gseq.set(g, v)
        return v
      }),
    )
  })
  assert.equal(seq.nextGsn, GSN0 + 13)
  assert.equal(seq.duplicates, 1)
  assert.equal(seq.rejects, 1)
  assert.deepEqual(notices, [
    { kind: NoticeKind.duplicate, code: 0, publisher: PUB_A, pseq: A0 + 2, value: GSN0 + 4 },
    { kind: NoticeKind.reject, code: ErrorCode.PSEQ_GAP, publisher: PUB_A, pseq: A0 + 9, value: A0 + 6 },
  ])
})
