// One publishBatch() call: its messages settle one by one (each ack names one
// pseq); the call's promise settles once all of them have. The gsns are written
// as two u32 halves into the BigUint64Array that the caller gets, so no BigInt is
// made per message.

import type { BatchSettler } from './publish-ring.js'

/** BigUint64Array elements are in the platform's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export interface PublishBatchResult {
  /** Messages in the batch. */
  readonly count: number
  /** gsns[i]: the place in the total order of message i of the batch. */
  readonly gsns: BigUint64Array
}

export class BatchWaiter implements BatchSettler {
  private readonly gsns: BigUint64Array
  private readonly view: DataView
  private remaining: number
  private error: Error | null = null

  constructor(
    private readonly count: number,
    private readonly resolve: (r: PublishBatchResult) => void,
    private readonly reject: (e: Error) => void,
  ) {
    this.gsns = new BigUint64Array(count)
    this.view = new DataView(this.gsns.buffer)
    this.remaining = count
  }

  ack(index: number, gsn: number): void {
    const lo = LITTLE_ENDIAN ? 0 : 4
    this.view.setUint32(8 * index + lo, gsn >>> 0, LITTLE_ENDIAN)
    this.view.setUint32(8 * index + 4 - lo, Math.floor(gsn / 4294967296), LITTLE_ENDIAN)
    if (--this.remaining === 0) this.done()
  }

  /** A message failed: the batch rejects with the first failure once every message has settled. */
  fail(_index: number, err: Error): void {
    this.error ??= err
    if (--this.remaining === 0) this.done()
  }

  done(): void {
    if (this.error !== null) this.reject(this.error)
    else this.resolve({ count: this.count, gsns: this.gsns })
  }
}
