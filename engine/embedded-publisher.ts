// Publishes made through Engine.publish(): their promises, resolved by the dispatcher
// once the message is durable (onAckBlob, which also reads the gseqs from the blob) or
// rejected when the sequencer refuses it (onReject).

import type { BlobAckListener } from './stages/fanout/dispatcher.js'
import type { PublishResult } from './types.js'
import { blobGroupCount, blobGseq } from '../codec/blob.js'
import { PublishRefusedError, wireCodeName } from './errors.js'
import { ErrorCode } from '../codec/error-codes.js'

interface Pending {
  resolve: (r: PublishResult) => void
  reject: (e: Error) => void
  /** Another publish of the same pseq made while this one was in flight (a retry). */
  next: Pending | null
}

export class EmbeddedPublisher implements BlobAckListener {
  private readonly pending = new Map<number, Pending>()
  nextPseq = 1

  constructor(readonly publisher: number) {}

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
    const p = this.pending.get(pseq)
    if (p === undefined) return
    this.pending.delete(pseq)
    const n = blobGroupCount(bytes, blobPos)
    const gseqs: bigint[] = new Array(n)
    for (let g = 0; g < n; g++) gseqs[g] = BigInt(blobGseq(bytes, blobPos, g))
    for (let q: Pending | null = p; q !== null; q = q.next) q.resolve({ gsn: BigInt(gsn), gseqs })
  }

  onAck(pseq: number, gsn: number): void {
    // A resend answered with its original gsn (gseqs are not carried by the notice).
    const p = this.pending.get(pseq)
    if (p === undefined) return
    this.pending.delete(pseq)
    for (let q: Pending | null = p; q !== null; q = q.next) q.resolve({ gsn: BigInt(gsn), gseqs: [] })
  }

  onReject(pseq: number, code: number, expected: number): void {
    const p = this.pending.get(pseq)
    if (p === undefined) return
    this.pending.delete(pseq)
    const name = wireCodeName(code)
    const detail = code === ErrorCode.PSEQ_GAP ? `publisher=${this.publisher}, pseq=${pseq}, expected=${expected}` : `publisher=${this.publisher}, pseq=${pseq}`
    const err = new PublishRefusedError(name, `publish refused by the sequencer (${name}): ${detail}`, BigInt(pseq))
    for (let q: Pending | null = p; q !== null; q = q.next) q.reject(err)
  }

  onAckFlush(): void {}

  /** Reject everything still waiting (engine failed or closed before it was durable). */
  failAll(err: Error): void {
    for (const p of this.pending.values()) for (let q: Pending | null = p; q !== null; q = q.next) q.reject(err)
    this.pending.clear()
  }
}
