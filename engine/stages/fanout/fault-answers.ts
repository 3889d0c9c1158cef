// Answers for publishers while the journal cannot write (a full disk, an I/O error). What
// waits in the sequenced ring beyond the dispatcher's durable cursor will not become
// durable soon, maybe never, and its publishers must not wait for it:
//   - each message sequenced before the fault gets the fault's code (onReject, expected
//     0: not acknowledged, the outcome is open; a resend with the same pseq is
//     deduplicated), once: its ack is not given again if it becomes durable after a
//     resume (answeredThrough), though subscribers still get the message;
//   - each NOTICE gets its answers as usual (the sequencer refuses everything that comes
//     in during the fault), then is marked answered so the durable cursor skips it; a
//     duplicate whose original is not durable gets the fault's code instead of a gsn.
// It stops at the first batch sequenced after a resume (those are dispatched as usual)
// and at a batch that became durable meanwhile (the durable cursor takes it next pass).
// A fresh cursor at the dispatcher's released position walks the records each time
// (a rare path); it never releases, so nothing it reads can be overwritten.

import type { RingConsumer } from '../../ring/ring-consumer.js'
import type { AckListener } from '../../engine-port.js'
import { RecordType, batchBlobsAt, batchCount, batchFirstGsn, markNoticeAnswered, noticeCount } from '../../descriptors/sequenced-record-descriptor.js'
import { SLOT_DURABLE, readU64, slotIndex } from '../../descriptors/watermark-descriptor.js'
import { blobPseq, canonicalBlobLength } from '../../../codec/blob.js'
import { PUBLISHER_POS } from '../../../codec/message-layout.js'

const TWO_32 = 4294967296

/** What FaultAnswers needs of the dispatcher. */
export interface AnswerTarget {
  listenerOf(publisher: number): AckListener | undefined
  /** Answers a NOTICE record's entries (durable: for duplicates of originals not yet durable). */
  answerNotices(at: number, durable: number): void
  touch(l: AckListener): void
  /** onAckFlush for every listener touched. */
  flushTouched(): void
  /** Another pass soon: something became durable meanwhile. */
  requestPass(): void
}

export class FaultAnswers {
  /** Wire code of the fault while it lasts (0: none). */
  code = 0
  /** Batches up to this gsn were sequenced before the fault began. */
  private sequencedGsn = 0
  /** Acks for gsns up to this one were answered here: the durable cursor does not give them. */
  answeredThrough = 0
  private readonly DUR = slotIndex(SLOT_DURABLE)

  constructor(
    private readonly openCursor: () => RingConsumer,
    private readonly wm: Int32Array,
  ) {}

  get active(): boolean {
    return this.code !== 0
  }

  enter(code: number, sequencedGsn: number): void {
    this.code = code
    this.sequencedGsn = sequencedGsn
  }

  leave(): void {
    this.code = 0
  }

  /** Answers what it can now; returns how many records it answered. */
  answer(t: AnswerTarget): number {
    const cur = this.openCursor()
    const i32 = cur.i32
    const bytes = cur.bytes
    const durable = readU64(this.wm, this.DUR)
    const code = this.code
    let answered = 0
    for (;;) {
      const at = cur.peek()
      if (at < 0) break
      if (cur.recordType === RecordType.batch) {
        const count = batchCount(i32, at)
        if (count > 0) {
          const first = batchFirstGsn(i32, at)
          const last = first + count - 1
          if (first > this.sequencedGsn) break // sequenced after a resume
          if (last <= durable) {
            t.requestPass()
            break
          }
          if (last > this.answeredThrough) {
            const end = at + cur.recordLength
            let p = batchBlobsAt(at)
            for (let i = 0; i < count; i++) {
              const len = canonicalBlobLength(bytes, p, end)
              if (len < 0) throw new Error(`sequenced batch does not frame: firstGsn=${first}, index=${i}`)
              if (first + i > this.answeredThrough) {
                const w = (p + PUBLISHER_POS) >> 2
                const l = t.listenerOf((i32[w + 1]! >>> 0) * TWO_32 + (i32[w]! >>> 0))
                if (l !== undefined) {
                  l.onReject(blobPseq(bytes, p), code, 0)
                  t.touch(l)
                }
              }
              p += len
            }
            this.answeredThrough = last
            answered++
          }
        }
      } else if (cur.recordType === RecordType.notice && noticeCount(i32, at) > 0) {
        t.answerNotices(at, durable)
        markNoticeAnswered(i32, at)
        answered++
      }
      cur.advance()
    }
    if (answered > 0) t.flushTouched()
    return answered
  }
}
