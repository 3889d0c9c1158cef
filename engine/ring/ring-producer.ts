// The producer side of a ring (SPSC or SPMC: one producer thread either way).
//
// Protocol: claim / write / commit. tryClaim() reserves an 8-aligned record after the
// last claim, writes its header, and returns the byte index of the payload in `bytes`;
// the caller encodes straight into the ring there (no copy). Several claims may be
// outstanding; commit() publishes all of them with one Atomics.store of the tail. Nothing
// claimed is visible to consumers before that store, so records never need a
// "claimed but not ready" marker (unlike Agrona's multi-producer ring).
//
// Free space = capacity - (claim position - slowest attached consumer's cursor). The
// slowest cursor is cached in this object and re-read from shared memory only when the
// cache says the claim does not fit, so a producer well ahead of full touches no consumer
// line at all.
//
// Hot-path calls allocate nothing and return numeric sentinels (RingResult in codec/results.ts).

import type { IdleStrategy, Parker } from '../idle/idle-strategy.js'
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
import { BACK_PRESSURED, CLOSED, TOO_LARGE } from '../../codec/results.js'

/** Default bound of claim()'s wait, ms. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 30_000

export class RingProducer implements Parker {
  readonly buffer: SharedArrayBuffer
  /** Data region: claimed payload indices point into it. */
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly i32: Int32Array
  readonly u32: Uint32Array
  readonly capacity: number
  readonly consumerCount: number
  /** Largest payload a single record can carry; bigger claims return TOO_LARGE. */
  readonly maxPayloadLength: number
  /** Payload length granted by the last tryClaim / tryClaimMax (after shrinkLast: the new length). */
  claimedLength = 0
  /** BACK_PRESSURED results so far (a cheap occupancy signal for metrics and tests). */
  backPressureCount = 0

  private readonly meta: Int32Array
  private readonly mask: number
  private readonly dataBell: Doorbell
  private readonly spaceBell: Doorbell
  private linkedBell: Doorbell | null = null
  // Positions as int32 bit patterns (see ring-descriptor.ts).
  private claimPos: number
  private committedPos: number
  private headCache: number
  private lastRecordPos = 0
  private hasLastRecord = false

  constructor(views: RingViews) {
    this.buffer = views.buffer
    this.bytes = views.bytes
    this.view = views.view
    this.i32 = views.i32
    this.u32 = views.u32
    this.capacity = views.capacity
    this.consumerCount = views.consumerCount
    this.maxPayloadLength = views.maxPayloadLength
    this.meta = views.meta
    this.mask = views.capacity - 1
    this.dataBell = new Doorbell(views.meta, DATA_BELL_SEQ_INDEX, DATA_BELL_WAITERS_INDEX)
    this.spaceBell = new Doorbell(views.meta, SPACE_BELL_SEQ_INDEX, SPACE_BELL_WAITERS_INDEX)
    // A producer opened on an existing ring continues after what was committed.
    this.claimPos = Atomics.load(this.meta, TAIL_INDEX)
    this.committedPos = this.claimPos
    this.headCache = this.minConsumerPosition()
  }

  /** Committed position (u32). */
  get position(): number {
    return this.committedPos >>> 0
  }

  /** Position after the last claim, committed or not (u32). */
  get claimPosition(): number {
    return this.claimPos >>> 0
  }

  /** Bytes committed or claimed and not yet released by the slowest attached consumer. */
  usedBytes(): number {
    return (this.claimPos - this.minConsumerPosition()) >>> 0
  }

  get closed(): boolean {
    return Atomics.load(this.meta, CLOSED_INDEX) !== 0
  }

  /**
   * Also ring `bell` after every commit that finds a sleeper on it: lets a consumer of
   * several rings sleep on one shared doorbell. null unlinks.
   */
  linkDoorbell(bell: Doorbell | null): void {
    this.linkedBell = bell
  }

  /**
   * Claims a record with a payload of `length` bytes and type `type` (0 .. 2^31-1).
   * Returns the byte index in `bytes` where the payload goes, TOO_LARGE if length exceeds
   * maxPayloadLength, or BACK_PRESSURED if there is no room now.
   */
  tryClaim(length: number, type: number): number {
    if ((length >>> 0) !== length || length > this.maxPayloadLength) return this.badLength(length)
    if ((type | 0) !== type || type < 0) throw this.badType(type)
    const recordLength = (length + RECORD_HEADER_LENGTH + 7) & ~7
    let pos = this.claimPos
    let index = pos & this.mask
    const toEnd = this.capacity - index
    // A record never straddles the end: if it does not fit before it, the rest of the
    // buffer becomes one padding record and the record starts at index 0.
    const required = recordLength <= toEnd ? recordLength : recordLength + toEnd
    if (((pos - this.headCache) >>> 0) + required > this.capacity) {
      this.headCache = this.minConsumerPosition()
      if (((pos - this.headCache) >>> 0) + required > this.capacity) {
        this.backPressureCount++
        return BACK_PRESSURED
      }
    }
    const i32 = this.i32
    if (recordLength > toEnd) {
      // toEnd is a multiple of 8 and > 0, so it always holds at least a header.
      i32[index >> 2] = toEnd - RECORD_HEADER_LENGTH
      i32[(index >> 2) + 1] = PADDING_TYPE
      pos = (pos + toEnd) | 0
      index = 0
    }
    // Plain stores: published by the tail store in commit().
    i32[index >> 2] = length
    i32[(index >> 2) + 1] = type
    this.lastRecordPos = pos
    this.hasLastRecord = true
    this.claimedLength = length
    this.claimPos = (pos + recordLength) | 0
    return index + RECORD_HEADER_LENGTH
  }

  /**
   * Claims one record of as much contiguous space as is free now, at least minLength and
   * at most maxLength payload bytes (capped at maxPayloadLength). The granted length is in
   * `claimedLength`; write up to it, then shrinkLast(actual) before commit(). Prefers the
   * space before the end of the buffer; wraps (padding) only when that is below minLength.
   */
  tryClaimMax(minLength: number, maxLength: number, type: number): number {
    if ((minLength >>> 0) !== minLength || minLength > this.maxPayloadLength) return this.badLength(minLength)
    // maxLength may be anything >= minLength (Infinity included): it is capped below.
    if (!(maxLength >= minLength)) {
      throw new RingError(RingErrorCode.badLength, `bad claim range: minLength=${minLength}, maxLength=${maxLength}`)
    }
    if ((type | 0) !== type || type < 0) throw this.badType(type)
    const max = maxLength < this.maxPayloadLength ? maxLength : this.maxPayloadLength
    let granted = this.grantable(minLength)
    if (granted < max) {
      // The cached head may be stale: one refresh to find out how much is really free.
      this.headCache = this.minConsumerPosition()
      granted = this.grantable(minLength)
      if (granted < 0) {
        this.backPressureCount++
        return BACK_PRESSURED
      }
    }
    const length = granted < max ? granted : max
    const pos = this.claimPos
    const index = pos & this.mask
    const toEnd = this.capacity - index
    if (((length + RECORD_HEADER_LENGTH + 7) & ~7) > toEnd) {
      // grantable() chose the wrap: pad to the end, claim at 0.
      this.claimPos = (pos + toEnd) | 0
      this.i32[index >> 2] = toEnd - RECORD_HEADER_LENGTH
      this.i32[(index >> 2) + 1] = PADDING_TYPE
    }
    return this.tryClaim(length, type)
  }

  /**
   * Shortens the last claim (made since the last commit) to `length` payload bytes,
   * giving the rest back. For encoders that claimed with tryClaimMax.
   */
  shrinkLast(length: number): void {
    if (!this.hasLastRecord || (length >>> 0) !== length || length > this.claimedLength) {
      throw new RingError(
        RingErrorCode.badShrink,
        `cannot shrink last claim: length=${length}, claimed=${this.hasLastRecord ? this.claimedLength : 'none'}`,
      )
    }
    const index = this.lastRecordPos & this.mask
    this.i32[index >> 2] = length
    this.claimedLength = length
    this.claimPos = (this.lastRecordPos + ((length + RECORD_HEADER_LENGTH + 7) & ~7)) | 0
  }

  /** Publishes every claim made since the last commit (one tail store), waking sleeping consumers. */
  commit(): void {
    const pos = this.claimPos
    this.hasLastRecord = false
    if (pos === this.committedPos) return
    this.committedPos = pos
    // Sequentially consistent store = release: the payloads and headers written with plain
    // stores above happen-before any consumer's Atomics.load that reads this tail.
    Atomics.store(this.meta, TAIL_INDEX, pos)
    // Store-then-load (Dekker) with a sleeping consumer: see doorbell.ts for why a
    // consumer that registers concurrently either is woken here or sees the new tail.
    this.dataBell.ring()
    if (this.linkedBell !== null) this.linkedBell.ring()
  }

  /** Drops every claim made since the last commit (e.g. an encoder failed half-way). */
  abandon(): void {
    this.claimPos = this.committedPos
    this.hasLastRecord = false
  }

  /**
   * tryClaim that waits with `idle` while the ring is full (worker threads; idle may
   * block). Before waiting it commits earlier claims: consumers can only free space by
   * consuming, and they cannot consume what is unpublished. Gives up after timeoutMs
   * (BACK_PRESSURED) or when the ring is closed (CLOSED).
   */
  claim(length: number, type: number, idle: IdleStrategy, timeoutMs = DEFAULT_CLAIM_TIMEOUT_MS): number {
    let r = this.tryClaim(length, type)
    if (r !== BACK_PRESSURED) return r
    this.commit()
    const deadline = performance.now() + timeoutMs
    idle.reset()
    for (;;) {
      if (Atomics.load(this.meta, CLOSED_INDEX) !== 0) return CLOSED
      idle.idle(0)
      r = this.tryClaim(length, type)
      if (r !== BACK_PRESSURED) {
        idle.reset()
        return r
      }
      if (performance.now() >= deadline) return BACK_PRESSURED
    }
  }

  /**
   * Parker: sleeps until a consumer releases (the slowest attached cursor moves), the ring
   * is closed or a consumer is detached, or timeoutMs passes. Worker threads only. Call
   * after BACK_PRESSURED (and commit() first, or you may wait for your own records).
   */
  park(timeoutMs: number): boolean {
    const seq = this.spaceBell.prepare()
    // Re-check after registering (doorbell.ts): has anything been released since the
    // failed claim refreshed headCache?
    const head = this.minConsumerPosition()
    if (head !== this.headCache || Atomics.load(this.meta, CLOSED_INDEX) !== 0) {
      this.headCache = head
      this.spaceBell.cancel()
      return true
    }
    return this.spaceBell.await(seq, timeoutMs)
  }

  /** park() for the main thread (Atomics.waitAsync). Resolves false on timeout. */
  waitForSpaceAsync(timeoutMs: number): Promise<boolean> {
    const seq = this.spaceBell.prepare()
    const head = this.minConsumerPosition()
    if (head !== this.headCache || Atomics.load(this.meta, CLOSED_INDEX) !== 0) {
      this.headCache = head
      this.spaceBell.cancel()
      return Promise.resolve(true)
    }
    return this.spaceBell.awaitAsync(seq, timeoutMs)
  }

  /** Marks the ring closed (consumers drain what is committed, then see CLOSED) and wakes everyone. */
  close(): void {
    this.commit()
    Atomics.store(this.meta, CLOSED_INDEX, 1)
    this.dataBell.forceRing()
    this.spaceBell.forceRing()
    if (this.linkedBell !== null) this.linkedBell.forceRing()
  }

  /**
   * Position of the slowest attached consumer, or the committed position if every
   * consumer is detached (so uncommitted claims still never exceed the capacity).
   */
  private minConsumerPosition(): number {
    const pos = this.claimPos
    let behind = (pos - this.committedPos) >>> 0
    const meta = this.meta
    for (let i = 0; i < this.consumerCount; i++) {
      // A detached consumer's cursor is ignored: a dead consumer must not stall the producer.
      if (Atomics.load(meta, detachedIndex(i)) !== 0) continue
      // Acquire: the consumer finished reading everything below its cursor before its
      // Atomics.store of it, so overwriting those bytes from now on is safe.
      const d = (pos - Atomics.load(meta, cursorIndex(i))) >>> 0
      if (d > behind) behind = d
    }
    return (pos - behind) | 0
  }

  /** Largest payload claimable now as one record with at least minLength, or -1. */
  private grantable(minLength: number): number {
    const pos = this.claimPos
    const index = pos & this.mask
    const toEnd = this.capacity - index
    const free = this.capacity - ((pos - this.headCache) >>> 0)
    const minRecord = (minLength + RECORD_HEADER_LENGTH + 7) & ~7
    const contiguous = free < toEnd ? free : toEnd
    if (contiguous >= minRecord) return contiguous - RECORD_HEADER_LENGTH
    // The end piece is too short; after padding it, free - toEnd bytes start at index 0.
    if (toEnd < minRecord && free - toEnd >= minRecord) return free - toEnd - RECORD_HEADER_LENGTH
    return -1
  }

  private badLength(length: number): number {
    if (Number.isInteger(length) && length >= 0) return TOO_LARGE
    throw new RingError(RingErrorCode.badLength, `record length must be a non-negative integer: length=${length}`)
  }

  private badType(type: number): RingError {
    return new RingError(RingErrorCode.badRecordType, `record type must be an integer in [0, 2^31-1]: type=${type}`)
  }
}
