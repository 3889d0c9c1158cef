// Publishes made through Engine.publish(): their promises, resolved by the dispatcher
// once the message is durable (onAckBlob, which also reads the gseqs from the blob) or
// rejected when the sequencer refuses it (onReject). One instance per publisher id.
//
// Answers per pseq: a retry of a pseq still in flight gets the same answer. A resend of a
// pseq already sequenced is answered (onAck, no blob) with the original gsn, and its
// gseqs are read back from the journal (lookupGseqs). Numbering: without an explicit
// pseq the next one is nextPseq; a refusal that says where the sequencer goes on
// (a pseq gap, or a message refused while the journal could not write) moves nextPseq
// back there once nothing else of this publisher is in flight, so auto-numbered
// publishes go on without a gap.

import type { BlobAckListener } from './stages/fanout/dispatcher.js'
import type { PublishResult } from './types.js'
import { blobGroupCount, blobGseq } from '../codec/blob.js'
import { PublishRefusedError, wireCodeName } from './errors.js'
import { ErrorCode, errorCodeInfo } from '../codec/error-codes.js'

interface Pending {
  resolve: (r: PublishResult) => void
  reject: (e: Error) => void
  /** Another publish of the same pseq made while this one was in flight (a retry). */
  next: Pending | null
}

/** Reads a message's gseqs back from the journal (null: not available, e.g. memory mode). */
export type GseqLookup = ((gsn: number) => Promise<number[] | null>) | null

export class EmbeddedPublisher implements BlobAckListener {
  private readonly pending = new Map<number, Pending>()
  nextPseq = 1
  /** Where the sequencer goes on, learnt from a refusal; applied once nothing is in flight (0: none). */
  private resyncTo = 0

  constructor(
    readonly publisher: number,
    private readonly lookupGseqs: GseqLookup,
  ) {}

  get inFlight(): number {
    return this.pending.size
  }

  track(pseq: number): Promise<PublishResult> {
    return new Promise<PublishResult>((resolve, reject) => {
      const p: Pending = { resolve, reject, next: null }
      const first = this.pending.get(pseq)
      if (first === undefined) this.pending.set(pseq, p)
      else {
        // A retry before the first answer: both get the same answer.
        let last = first
        while (last.next !== null) last = last.next
        last.next = p
      }
    })
  }

  onAckBlob(pseq: number, gsn: number, bytes: Uint8Array, blobPos: number): void {
    const p = this.take(pseq)
    if (p === undefined) return
    const n = blobGroupCount(bytes, blobPos)
    const gseqs: bigint[] = new Array(n)
    for (let g = 0; g < n; g++) gseqs[g] = BigInt(blobGseq(bytes, blobPos, g))
    for (let q: Pending | null = p; q !== null; q = q.next) q.resolve({ gsn: BigInt(gsn), gseqs })
  }

  /** A resend answered with its original gsn: the gseqs come from the journal. */
  onAck(pseq: number, gsn: number): void {
    const p = this.take(pseq)
    if (p === undefined) return
    const answer = (gseqs: number[] | null): void => {
      const result = { gsn: BigInt(gsn), gseqs: (gseqs ?? []).map((x) => BigInt(x)) }
      for (let q: Pending | null = p; q !== null; q = q.next) q.resolve(result)
    }
    if (this.lookupGseqs === null) answer(null)
    else this.lookupGseqs(gsn).then(answer, () => answer(null))
  }

  onReject(pseq: number, code: number, expected: number): void {
    const p = this.take(pseq)
    if (code === ErrorCode.PSEQ_GAP || code === ErrorCode.DISK_FULL || code === ErrorCode.JOURNAL_IO) {
      if (expected > 0 && (this.resyncTo === 0 || expected < this.resyncTo)) this.resyncTo = expected
      this.maybeResync()
    }
    if (p === undefined) return
    const err = this.refusal(pseq, code, expected)
    for (let q: Pending | null = p; q !== null; q = q.next) q.reject(err)
  }

  onAckFlush(): void {}

  /** Reject everything still waiting (engine failed or closed before it was durable). */
  failAll(err: Error): void {
    for (const p of this.pending.values()) for (let q: Pending | null = p; q !== null; q = q.next) q.reject(err)
    this.pending.clear()
  }

  private take(pseq: number): Pending | undefined {
    const p = this.pending.get(pseq)
    if (p !== undefined) this.pending.delete(pseq)
    this.maybeResync()
    return p
  }

  private maybeResync(): void {
    if (this.resyncTo === 0 || this.pending.size > 0) return
    this.nextPseq = this.resyncTo
    this.resyncTo = 0
  }

  private refusal(pseq: number, code: number, expected: number): PublishRefusedError {
    const name = wireCodeName(code)
    const publisher = this.publisher
    const info = errorCodeInfo(code)
    const options = { wireCode: code, retryable: info?.retryable ?? false }
    if (code === ErrorCode.PSEQ_GAP) {
      return new PublishRefusedError(name, `publish refused by the sequencer (${name}): publisher=${publisher}, pseq=${pseq}, expected=${expected}`, BigInt(pseq), { ...options, details: { publisher, pseq, expected } })
    }
    if (code === ErrorCode.DISK_FULL || code === ErrorCode.JOURNAL_IO) {
      // expected 0: the message had a gsn when the journal stopped; it may still be
      // stored once the journal writes again. Otherwise it was never sequenced.
      const what = expected === 0
        ? `not acknowledged: the journal cannot write (${name}); the message may be stored once it can: resend it with publisher=${publisher}, pseq=${pseq} to learn its gsn (deduplicated)`
        : `not stored: the journal cannot write (${name}); resend later with publisher=${publisher}, pseq=${pseq}`
      return new PublishRefusedError(name, `${what}: publisher=${publisher}, pseq=${pseq}`, BigInt(pseq), { ...options, details: { publisher, pseq, stored: expected === 0 ? 'unknown' : 'no' } })
    }
    return new PublishRefusedError(name, `publish refused by the sequencer (${name}): publisher=${publisher}, pseq=${pseq}`, BigInt(pseq), { ...options, details: { publisher, pseq } })
  }
}
