// The sequencer step: one thread gives every message its place in the total order.
//
//   ingress rings (one per producer) ──poll──▶ verify ▶ dedupe ▶ copy blob ▶ stamp ──▶ sequenced ring
//
// For each message of each ingress record: check the canonical blob, classify its
// (publisher, pseq) (fresh / duplicate / gap), check its groups, copy the blob into the
// open batch of the sequenced ring (copyWithin inside the one arena SharedArrayBuffer:
// no view, no allocation) and stamp gsn, time and one gseq per group in place.
// A batch closes at the first ingress-record boundary past its size limits, or when
// the ingress rings are momentarily empty ("smart batching": batches grow with load
// and cost no latency when idle). A batch never closes inside an ingress record, so
// room is checked once per record and a record is either taken whole or left in its
// ring when the sequenced ring is full.
//
// While the journal cannot write (refuseAll(code), journal-appender.ts), nothing is
// sequenced: every message taken from the ingress rings is refused with that code (a
// NOTICE, value = the pseq the publisher must resend from), so every publisher in flight
// gets an answer and no gsn is given to what cannot be stored.
//
// Duplicates and refusals are answered through NOTICE records written right after
// the batch that was open when they happened. So a duplicate's notice always follows
// the batch holding its original (its gsn is already durable when a consumer reaches
// the notice), but a publisher's answers are not in pseq order: consumers match
// answers by pseq (notices are rare: resends after reconnects, broken clients).

import {
  BATCH_HEADER, NoticeKind, RecordType, batchBlobsAt, noticeEntryAt, noticeRecordBytes, writeBatchHeader, writeNoticeEntry,
  writeNoticeHeader,
} from '../../descriptors/sequenced-record-descriptor.js'
import { INGRESS_HEADER, ingressBlobsAt, ingressCount } from '../../descriptors/ingress-record-descriptor.js'
import { Dedupe, DedupeVerdict, type PublisherState } from './dedupe.js'
import { GseqTable } from './gseq-table.js'
import { blobGroup, blobGroupCount, canonicalBlobLength } from '../../../codec/blob.js'
import { GSEQS_POS, GSN_POS, PSEQ_POS, PUBLISHER_POS, TIME_POS } from '../../../codec/message-layout.js'
import { ErrorCode } from '../../../codec/error-codes.js'

const TWO_32 = 4294967296
// Blob fields as i32 word offsets from the blob's first word (little-endian u64: lo, hi).
const PUBLISHER_LO = PUBLISHER_POS >> 2
const PUBLISHER_HI = PUBLISHER_LO + 1
const PSEQ_LO = PSEQ_POS >> 2
const PSEQ_HI = PSEQ_LO + 1
const GSN_LO = GSN_POS >> 2
const GSN_HI = GSN_LO + 1
const TIME_LO = TIME_POS >> 2
const TIME_HI = TIME_LO + 1
const GSEQS_WORD = GSEQS_POS >> 2

/** Consumer side of one ingress ring, as the sequencer uses it. */
export interface IngressSource {
  /** Absolute index (in the arena bytes) of the next record's payload, or -1 when empty. Sets length/type. */
  peek(): number
  readonly length: number
  readonly type: number
  /** Consume the record peek() returned (local; published by release()). */
  advance(): void
  /** Publish consumption to the producer (one atomic store). */
  release(): void
}

/** Producer side of the sequenced ring. */
export interface SequencedSink {
  /** Absolute payload index for a record of `length` bytes, or a negative sentinel when full. */
  tryClaim(length: number, type: number): number
  /** Reduce the length of the last claimed, uncommitted record. */
  shrinkLast(length: number): void
  /** Publish every claimed record. */
  commit(): void
  /** Largest record that could ever be claimed. */
  readonly maxRecord: number
}

export interface SequencerOptions {
  bytes: Uint8Array // the arena: ingress rings and the sequenced ring share it
  i32: Int32Array
  ingress: IngressSource[]
  out: SequencedSink
  dedupe: Dedupe
  gseqs: GseqTable
  nextGsn: number
  batchMaxMessages: number
  batchMaxBytes: number
  maxGroups: number
  /** Highest group id in use (read per record: the registry grows while we run). */
  maxGroupId: () => number
  /** Microseconds since the Unix epoch. */
  clockUs: () => number
  /** Called after each commit with the last gsn sequenced. */
  onCommit: (lastGsn: number, messages: number, batches: number) => void
}

export class Sequencer {
  // Initialised with a number, not just declared: a field declared without a value starts as
  // undefined (ES2022 class fields), so V8 gives it the tagged representation and every store
  // of a gsn past 2^31 would allocate a heap number. Starting from a small integer, the field
  // moves to the double representation, stored in place.
  nextGsn = 0
  messages = 0
  batches = 0
  duplicates = 0
  rejects = 0
  /** Records refused as malformed (a producer bug, never a client's: the gateway verifies). */
  malformed = 0
  /** Wire code every message is refused with while the journal cannot write; 0: sequencing. */
  refuseCode = 0

  private readonly bytes: Uint8Array
  private readonly i32: Int32Array
  private readonly ingress: IngressSource[]
  private readonly out: SequencedSink
  private readonly dedupe: Dedupe
  private readonly gseqs: GseqTable
  private readonly o: SequencerOptions

  // Open batch (absolute indexes into bytes), -1 when none.
  private batchPos = -1
  private batchEnd = 0
  private writePos = 0
  private batchCount = 0
  private batchFirstGsn = 0
  private batchTimeUs = 0
  private uncommitted = 0 // batches closed but not yet committed
  private committedMessages = 0
  private committedBatches = 0
  private maxGroupId = 0
  private next = 0 // round robin start
  // The publisher of the last message and its dedupe state (lookups only on a change).
  private lastPublisher = -1
  private lastState: PublisherState | null = null

  // Pending notices, written as one record after the open batch closes.
  private notices = new Float64Array(5 * 256) // kind, code, publisher, pseq, value
  private noticeCount = 0

  constructor(o: SequencerOptions) {
    this.o = o
    this.bytes = o.bytes
    this.i32 = o.i32
    this.ingress = o.ingress
    this.out = o.out
    this.dedupe = o.dedupe
    this.gseqs = o.gseqs
    this.nextGsn = o.nextGsn
  }

  /** One pass over every ingress ring. Returns the number of records taken (0: idle). */
  doWork(): number {
    let work = 0
    const n = this.ingress.length
    let blocked = false
    for (let k = 0; k < n && !blocked; k++) {
      const src = this.ingress[(this.next + k) % n]!
      let taken = 0
      for (;;) {
        const pos = src.peek()
        if (pos < 0) break
        if (!this.take(pos, src.length)) {
          blocked = true // sequenced ring full: leave the record where it is
          break
        }
        src.advance()
        taken++
        if (taken >= 64) break // fairness between producers
      }
      if (taken > 0) {
        src.release()
        work += taken
      }
    }
    this.next = (this.next + 1) % (n === 0 ? 1 : n)
    // Smart batching: nothing more to read right now, so close and publish.
    if (work === 0 || blocked) this.flush()
    return work
  }

  /** Close the open batch, write pending notices, and commit. */
  flush(): void {
    this.closeBatch()
    if (this.noticeCount > 0) this.writeNotices()
    if (this.uncommitted > 0) this.commitClosed()
  }

  private commitClosed(): void {
    this.out.commit()
    this.uncommitted = 0
    this.o.onCommit(this.nextGsn - 1, this.committedMessages, this.committedBatches)
    this.committedMessages = 0
    this.committedBatches = 0
  }

  /**
   * From now on refuse every message with `code` (the journal cannot write), or, with 0,
   * sequence again. Commits the open batch first: what was sequenced stays sequenced.
   */
  refuseAll(code: number): void {
    this.flush()
    this.refuseCode = code
  }

  /** Sequence one ingress record. false: no room in the sequenced ring (nothing consumed). */
  private take(pos: number, length: number): boolean {
    if (this.refuseCode !== 0) return this.refuseRecord(pos, length)
    const bytes = this.bytes
    const end = pos + length
    const count = ingressCount(this.i32, pos)
    // Worst case the whole record's blobs land in the batch.
    if (!this.ensureRoom(length - INGRESS_HEADER, count)) return false
    this.maxGroupId = this.o.maxGroupId()
    let p = ingressBlobsAt(pos)
    for (let i = 0; i < count; i++) {
      const len = canonicalBlobLength(bytes, p, end)
      if (len < 0) {
        this.malformed++
        break // the rest of the record cannot be framed: drop it (producer bug)
      }
      this.one(p, len)
      p += len
    }
    return true
  }

  // Per message, no double crosses a call that TurboFan may leave out of line: such a call
  // boxes the double it returns or takes (a 16-byte heap number per message), and publisher
  // ids are always above 2^31, gsns, pseqs and gseqs get there in a long run. `one` is big
  // enough to use up its inlining budget, so which helpers get inlined is not ours to rely
  // on: the u64 fields are read and stamped here through the i32 view (blobs are 8-aligned),
  // the publisher's state is looked up only when the publisher changes, the common FIFO case
  // is decided here, and the pseq/gsn to remember go through PublisherState fields. Measured
  // with bench/micro (sequencer step): 16-32 B/msg before (boxed publisher id), 64-80 B/msg
  // with gsns and pseqs above 2^32; after, 0.03 B/msg, which is per batch (clock, commit).
  private one(p: number, len: number): void {
    const bytes = this.bytes
    const i32 = this.i32
    const pw = p >> 2
    const publisher = (i32[pw + PUBLISHER_HI]! >>> 0) * TWO_32 + (i32[pw + PUBLISHER_LO]! >>> 0)
    const pseq = (i32[pw + PSEQ_HI]! >>> 0) * TWO_32 + (i32[pw + PSEQ_LO]! >>> 0)
    let s = this.lastState
    if (s === null || publisher !== this.lastPublisher) {
      s = this.dedupe.state(publisher) // boxes the id: once per change of publisher
      this.lastState = s
      this.lastPublisher = publisher
    }
    const last = s.lastPseq
    if (pseq !== last + 1 && last !== 0) {
      this.refuse(s, publisher, pseq)
      return
    }
    const groups = blobGroupCount(bytes, p)
    const maxId = this.maxGroupId
    let bad = groups === 0 || groups > this.o.maxGroups
    for (let g = 0; g < groups && !bad; g++) {
      const id = blobGroup(bytes, p, g)
      if (id < 1 || id > maxId) bad = true
    }
    if (bad) {
      this.rejects++
      this.notice(NoticeKind.reject, groups === 0 || groups > this.o.maxGroups ? ErrorCode.TOO_MANY_GROUPS : ErrorCode.UNKNOWN_GROUP, publisher, pseq, 0)
      return
    }
    // Copy into the batch (same SharedArrayBuffer: memmove, no view allocated).
    const w = this.writePos
    bytes.copyWithin(w, p, p + len)
    const gsn = this.nextGsn
    this.nextGsn = gsn + 1
    const time = this.batchTimeUs
    const ww = w >> 2
    i32[ww + GSN_LO] = gsn >>> 0
    i32[ww + GSN_HI] = Math.floor(gsn / TWO_32)
    i32[ww + TIME_LO] = time >>> 0
    i32[ww + TIME_HI] = Math.floor(time / TWO_32)
    const gseqs = this.gseqs
    for (let g = 0; g < groups; g++) gseqs.stampNext(i32, ww + GSEQS_WORD + 2 * g, blobGroup(bytes, w, g))
    s.lastPseq = pseq
    s.lastGsn = gsn
    this.dedupe.recordLast(s)
    this.writePos = w + len
    this.batchCount++
  }

  /** refuseAll mode: one notice per message of the record, nothing sequenced (cold path). */
  private refuseRecord(pos: number, length: number): boolean {
    const bytes = this.bytes
    const i32 = this.i32
    const end = pos + length
    const count = ingressCount(i32, pos)
    let p = ingressBlobsAt(pos)
    for (let i = 0; i < count; i++) {
      const len = canonicalBlobLength(bytes, p, end)
      if (len < 0) {
        this.malformed++
        break
      }
      const pw = p >> 2
      const publisher = (i32[pw + PUBLISHER_HI]! >>> 0) * TWO_32 + (i32[pw + PUBLISHER_LO]! >>> 0)
      const pseq = (i32[pw + PSEQ_HI]! >>> 0) * TWO_32 + (i32[pw + PSEQ_LO]! >>> 0)
      const s = this.dedupe.state(publisher)
      this.rejects++
      // value: where the publisher goes on (0 when the sequencer has no pseq of it yet).
      this.notice(NoticeKind.reject, this.refuseCode, publisher, pseq, s.lastPseq === 0 ? 0 : s.lastPseq + 1)
      p += len
    }
    return true
  }

  /** A message that is not the publisher's next: a duplicate, a gap, or older than the window (rare). */
  private refuse(s: PublisherState, publisher: number, pseq: number): void {
    const dd = this.dedupe
    const verdict = dd.check(s, pseq)
    if (verdict === DedupeVerdict.duplicate) {
      this.duplicates++
      this.notice(NoticeKind.duplicate, 0, publisher, pseq, dd.value)
    } else if (verdict === DedupeVerdict.gap) {
      this.rejects++
      this.notice(NoticeKind.reject, ErrorCode.PSEQ_GAP, publisher, pseq, dd.value)
    } else {
      this.rejects++
      this.notice(NoticeKind.reject, ErrorCode.DUPLICATE_OUTSIDE_WINDOW, publisher, pseq, s.lastPseq)
    }
  }

  /** Make sure the open batch can take `need` more bytes; open a new one if not. */
  private ensureRoom(need: number, count: number): boolean {
    if (this.batchPos >= 0 && this.writePos + need <= this.batchEnd && this.batchCount < this.o.batchMaxMessages) return true
    this.closeBatch()
    if (this.noticeCount > 0 && !this.writeNotices()) return false
    const want = Math.min(Math.max(this.o.batchMaxBytes, BATCH_HEADER + need), this.out.maxRecord)
    if (BATCH_HEADER + need > want) {
      // A record larger than any batch can be: the producer broke its limits.
      this.malformed++
      return true
    }
    let got = want
    let at = this.out.tryClaim(want, RecordType.batch)
    if (at < 0 && want > BATCH_HEADER + need) {
      // No room for a full batch: take just this record's worth (the batch ends there).
      got = BATCH_HEADER + need
      at = this.out.tryClaim(got, RecordType.batch)
    }
    if (at < 0) {
      // Full: publish what we have so consumers can make room.
      if (this.uncommitted > 0) this.commitClosed()
      return false
    }
    this.batchPos = at
    this.batchEnd = at + got
    this.writePos = batchBlobsAt(at)
    this.batchCount = 0
    this.batchFirstGsn = this.nextGsn
    this.batchTimeUs = this.o.clockUs()
    return true
  }

  private closeBatch(): void {
    if (this.batchPos < 0) return
    const pos = this.batchPos
    this.batchPos = -1
    if (this.batchCount === 0) {
      // Nothing went in (all duplicates): turn it into an empty batch the consumers skip.
      this.out.shrinkLast(BATCH_HEADER)
    } else {
      this.out.shrinkLast(this.writePos - pos)
    }
    writeBatchHeader(this.i32, pos, this.batchCount, this.writePos - batchBlobsAt(pos), this.batchFirstGsn)
    this.committedMessages += this.batchCount
    this.messages += this.batchCount
    if (this.batchCount > 0) {
      this.batches++
      this.committedBatches++
    }
    this.uncommitted++
  }

  private notice(kind: number, code: number, publisher: number, pseq: number, value: number): void {
    if (this.noticeCount * 5 >= this.notices.length) {
      // Rare (a burst of resends): grow rather than close the batch inside a record.
      const bigger = new Float64Array(this.notices.length * 2)
      bigger.set(this.notices)
      this.notices = bigger
    }
    const k = this.noticeCount++ * 5
    const n = this.notices
    n[k] = kind
    n[k + 1] = code
    n[k + 2] = publisher
    n[k + 3] = pseq
    n[k + 4] = value
  }

  private writeNotices(): boolean {
    const count = this.noticeCount
    const at = this.out.tryClaim(noticeRecordBytes(count), RecordType.notice)
    if (at < 0) {
      if (this.uncommitted > 0) this.commitClosed()
      return false
    }
    const i32 = this.i32
    const n = this.notices
    writeNoticeHeader(i32, at, count)
    for (let k = 0; k < count; k++) {
      const f = k * 5
      writeNoticeEntry(i32, noticeEntryAt(at, k), n[f]!, n[f + 1]!, n[f + 2]!, n[f + 3]!, n[f + 4]!)
    }
    this.noticeCount = 0
    this.uncommitted++
    return true
  }
}
