// One consumer of a ring (the only one of an SPSC ring, one of N of an SPMC ring).
//
// Records are read in place: handlers get (bytes, offset, length, type) over the ring's
// own memory, valid until the consumer releases them: copy what you keep longer.
//
// Two positions, both local to this object:
//   readPosition      end of what read()/peek()+advance() have handed out;
//   releasedPosition  what the producer may overwrite (this consumer's shared cursor).
// released <= read <= the producer's tail. Consumers that can let go of a record as soon
// as they have seen it use poll() (read + release in one). Consumers that must hold
// records (the journal until they are written, the fan-out until they are durable) read
// ahead with read() or peek()/advance(), note `readPosition` after the records they
// care about, and later call release(thatPosition). The producer waits for the slowest
// cursor, so holding records back throttles it: that is the intended back-pressure.
//
// Hot-path calls allocate nothing; each batch costs one Atomics.load of the tail and one
// Atomics.store of the cursor.

import type { Parker } from '../idle/idle-strategy.js'
import { Doorbell } from './doorbell.js'
import {
  CLOSED_INDEX,
  DATA_BELL_SEQ_INDEX,
  DATA_BELL_WAITERS_INDEX,
  SPACE_BELL_SEQ_INDEX,
  SPACE_BELL_WAITERS_INDEX,
  TAIL_INDEX,
  cursorIndex,
  detachedIndex,
} from './ring-descriptor.js'
import { RingError, RingErrorCode } from './ring-errors.js'
import type { RingViews } from './ring-layout.js'
import { PADDING_TYPE, RECORD_HEADER_LENGTH } from './record-descriptor.js'
import { CLOSED, EMPTY } from '../../codec/results.js'

/**
 * Receives one record in place. bytes[offset, offset+length) is the payload; it stays
 * valid until the consumer releases past it.
 */
export type RecordHandler = (bytes: Uint8Array, offset: number, length: number, type: number) => void

const DEFAULT_LIMIT = 0x7fffffff

export class RingConsumer implements Parker {
  readonly buffer: SharedArrayBuffer
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly i32: Int32Array
  readonly u32: Uint32Array
  readonly capacity: number
  /** This consumer's index (0 for an SPSC ring). */
  readonly consumerIndex: number
  /** After peek(): payload length and type of the record it found. */
  recordLength = 0
  recordType = 0

  private readonly meta: Int32Array
  private readonly mask: number
  private readonly cursorWord: number
  private readonly detachedWord: number
  private readonly dataBell: Doorbell
  private readonly spaceBell: Doorbell
  private readPos: number
  private releasedPos: number
  private peekedEnd: number
  private hasPeeked = false
  // Tail as last loaded by peek() (read() loads its own once per batch).
  private tailCache: number

  constructor(views: RingViews, consumerIndex: number) {
    if (!Number.isInteger(consumerIndex) || consumerIndex < 0 || consumerIndex >= views.consumerCount) {
      throw new RingError(
        RingErrorCode.badConsumerIndex,
        `consumer index out of range: index=${consumerIndex}, consumerCount=${views.consumerCount}`,
      )
    }
    this.buffer = views.buffer
    this.bytes = views.bytes
    this.view = views.view
    this.i32 = views.i32
    this.u32 = views.u32
    this.capacity = views.capacity
    this.consumerIndex = consumerIndex
    this.meta = views.meta
    this.mask = views.capacity - 1
    this.cursorWord = cursorIndex(consumerIndex)
    this.detachedWord = detachedIndex(consumerIndex)
    this.dataBell = new Doorbell(views.meta, DATA_BELL_SEQ_INDEX, DATA_BELL_WAITERS_INDEX)
    this.spaceBell = new Doorbell(views.meta, SPACE_BELL_SEQ_INDEX, SPACE_BELL_WAITERS_INDEX)
    this.readPos = Atomics.load(this.meta, this.cursorWord)
    this.releasedPos = this.readPos
    this.peekedEnd = this.readPos
    this.tailCache = this.readPos
  }

  /** Position after the last record handed out (u32). During a handler call: after that record. */
  get readPosition(): number {
    return this.readPos >>> 0
  }

  /** Position up to which this consumer released (its shared cursor, u32). */
  get releasedPosition(): number {
    return this.releasedPos >>> 0
  }

  /** The ring was closed by either side. Records committed before closing can still be read. */
  get closed(): boolean {
    return Atomics.load(this.meta, CLOSED_INDEX) !== 0
  }

  /** This consumer was detached: the producer ignores it and may overwrite what it has not read. */
  get detached(): boolean {
    return Atomics.load(this.meta, this.detachedWord) !== 0
  }

  /** Committed bytes (records and padding) not yet read by this consumer. */
  available(): number {
    return (Atomics.load(this.meta, TAIL_INDEX) - this.readPos) >>> 0
  }

  hasData(): boolean {
    return Atomics.load(this.meta, TAIL_INDEX) !== this.readPos
  }

  /**
   * Hands up to `limit` available records to handler, in order, then releases everything
   * read so far (read-ahead included). Returns the number of records, or CLOSED if this
   * consumer is detached. If the handler throws, the record it was given counts as read
   * and the error propagates without releasing.
   */
  poll(handler: RecordHandler, limit: number = DEFAULT_LIMIT): number {
    const n = this.read(handler, limit)
    if (n > 0 || this.readPos !== this.releasedPos) this.release(this.readPos)
    return n
  }

  /** Like poll() without releasing: read ahead, release() later. */
  read(handler: RecordHandler, limit: number = DEFAULT_LIMIT): number {
    // Checked once per batch, not per record: detaching is for consumers that are gone.
    if (Atomics.load(this.meta, this.detachedWord) !== 0) return CLOSED
    // Acquire: every record below this tail, headers included, is fully written.
    const tail = Atomics.load(this.meta, TAIL_INDEX)
    const i32 = this.i32
    const bytes = this.bytes
    const mask = this.mask
    let pos = this.readPos
    let n = 0
    this.hasPeeked = false
    while (pos !== tail && n < limit) {
      const index = pos & mask
      const length = i32[index >> 2]!
      const type = i32[(index >> 2) + 1]!
      pos = (pos + ((length + RECORD_HEADER_LENGTH + 7) & ~7)) | 0
      if (type !== PADDING_TYPE) {
        // Updated before the call so the handler can read readPosition (its release
        // point), and so a throwing handler does not get the same record again.
        this.readPos = pos
        n++
        handler(bytes, index + RECORD_HEADER_LENGTH, length, type)
      }
    }
    this.readPos = pos
    // peek() walks up to tailCache: never leave it behind readPos.
    this.tailCache = tail
    return n
  }

  /**
   * Looks at the next unread record without reading past it: returns its payload index
   * and sets recordLength / recordType, or EMPTY, or CLOSED if detached. Padding is
   * skipped (counted as read). advance() moves past the record.
   */
  peek(): number {
    let pos = this.readPos
    if (pos === this.tailCache) {
      // Shared words are read only when the cached tail is used up, so walking a batch
      // record by record costs no more atomics than read() does.
      if (Atomics.load(this.meta, this.detachedWord) !== 0) return CLOSED
      this.tailCache = Atomics.load(this.meta, TAIL_INDEX)
    }
    const tail = this.tailCache
    while (pos !== tail) {
      const index = pos & this.mask
      const length = this.i32[index >> 2]!
      const type = this.i32[(index >> 2) + 1]!
      const end = (pos + ((length + RECORD_HEADER_LENGTH + 7) & ~7)) | 0
      if (type === PADDING_TYPE) {
        pos = end
        this.readPos = pos
        continue
      }
      this.recordLength = length
      this.recordType = type
      this.peekedEnd = end
      this.hasPeeked = true
      return index + RECORD_HEADER_LENGTH
    }
    this.hasPeeked = false
    return EMPTY
  }

  /** Reads past the record the last peek() returned (does not release it). */
  advance(): void {
    if (!this.hasPeeked) return
    this.readPos = this.peekedEnd
    this.hasPeeked = false
  }

  /**
   * Lets the producer reuse everything before `position` (a readPosition value seen
   * earlier; anything else between releasedPosition and readPosition would let the producer
   * overwrite part of a record still in use). Wakes a producer sleeping on a full ring.
   */
  release(position: number): void {
    const p = position | 0
    const held = (this.readPos - this.releasedPos) >>> 0
    if (((p - this.releasedPos) >>> 0) > held) {
      throw new RingError(
        RingErrorCode.badRelease,
        `release position outside [released, read]: position=${position >>> 0}, released=${this.releasedPos >>> 0}, read=${this.readPos >>> 0}`,
      )
    }
    if (p === this.releasedPos) return
    this.releasedPos = p
    // Release: our reads of the records below p happen-before the producer's
    // Atomics.load of this cursor, after which it may overwrite them.
    Atomics.store(this.meta, this.cursorWord, p)
    // Store-then-load (Dekker) against a producer going to sleep on a full ring: see doorbell.ts.
    this.spaceBell.ring()
  }

  /** release(readPosition). */
  releaseAll(): void {
    this.release(this.readPos)
  }

  /**
   * Parker: sleeps until the producer commits, the ring is closed or this consumer is
   * detached, or timeoutMs passes. Worker threads only (blocks the thread). Returns true
   * if there is something to look at.
   */
  park(timeoutMs: number): boolean {
    const seq = this.dataBell.prepare()
    // Re-check after registering: a commit that raced with prepare() is seen here or rings us.
    if (this.readyToWake()) {
      this.dataBell.cancel()
      return true
    }
    this.dataBell.await(seq, timeoutMs)
    return this.readyToWake()
  }

  /** Alias of park(): blocks until data (true) or timeout (false). */
  waitForData(timeoutMs: number): boolean {
    return this.park(timeoutMs)
  }

  /**
   * park() for the main thread, with Atomics.waitAsync: the event loop keeps running.
   * Resolves true when there is data (or the ring closed / consumer detached), false on timeout.
   */
  waitForDataAsync(timeoutMs: number): Promise<boolean> {
    const seq = this.dataBell.prepare()
    if (this.readyToWake()) {
      this.dataBell.cancel()
      return Promise.resolve(true)
    }
    return this.dataBell.awaitAsync(seq, timeoutMs).then(() => this.readyToWake())
  }

  /**
   * Leaves the ring: the producer stops waiting for this consumer. Reading afterwards
   * returns CLOSED. Irreversible for this index.
   */
  detach(): void {
    detachConsumer(this.meta, this.consumerIndex)
  }

  /** Closes the ring from the consumer side (a producer blocked in claim() gets CLOSED). */
  close(): void {
    Atomics.store(this.meta, CLOSED_INDEX, 1)
    this.dataBell.forceRing()
    this.spaceBell.forceRing()
  }

  private readyToWake(): boolean {
    return (
      Atomics.load(this.meta, TAIL_INDEX) !== this.readPos ||
      Atomics.load(this.meta, CLOSED_INDEX) !== 0 ||
      Atomics.load(this.meta, this.detachedWord) !== 0
    )
  }
}

/**
 * Marks consumer `index` detached from any thread (e.g. a supervisor whose consumer
 * worker died). The producer then ignores its cursor, so a dead consumer cannot stall
 * it; a consumer still reading while detached may see records overwritten under it
 * (it finds out at its next batch: read/peek return CLOSED).
 */
export function detachConsumer(meta: Int32Array, index: number): void {
  Atomics.store(meta, detachedIndex(index), 1)
  // A producer parked on a full ring may be waiting for exactly this consumer: wake it
  // unconditionally (rare event, no point in the waiter check).
  Atomics.add(meta, SPACE_BELL_SEQ_INDEX, 1)
  Atomics.notify(meta, SPACE_BELL_SEQ_INDEX)
  // And the detached consumer itself, if it sleeps on empty, so it notices.
  Atomics.add(meta, DATA_BELL_SEQ_INDEX, 1)
  Atomics.notify(meta, DATA_BELL_SEQ_INDEX)
}
