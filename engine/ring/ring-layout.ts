// Creating and validating a ring's SharedArrayBuffer (layout: ring-descriptor.ts).
// The views built here are the flyweights the producer and consumers share per thread.

import {
  CAPACITY_INDEX,
  CONSUMER_COUNT_INDEX,
  HEADER_BYTES_INDEX,
  MAGIC_INDEX,
  MAX_CAPACITY,
  MAX_CONSUMERS,
  MAX_PAYLOAD_INDEX,
  MIN_CAPACITY,
  RING_MAGIC,
  RING_VERSION,
  VERSION_INDEX,
  headerBytes,
  isValidCapacity,
  maxPayloadLength,
  ringBufferBytes,
} from './ring-descriptor.js'
import { RingError, RingErrorCode } from './ring-errors.js'

/** Per-thread views over one ring buffer. */
export interface RingViews {
  readonly buffer: SharedArrayBuffer
  /** Byte offset of the ring (its header) inside buffer: rings may share one arena buffer. */
  readonly byteOffset: number
  /** Byte offset of the data region inside buffer (record index i is buffer byte dataOffset + i). */
  readonly dataOffset: number
  /** Header words (Atomics only). */
  readonly meta: Int32Array
  /** Data region as bytes; record indices are offsets into it. */
  readonly bytes: Uint8Array
  /** Data region as a DataView (little-endian reads and writes in place). */
  readonly view: DataView
  /** Data region as Int32 words (index = byteIndex >> 2; payloads are 8-aligned). */
  readonly i32: Int32Array
  /** Data region as Uint32 words. */
  readonly u32: Uint32Array
  readonly capacity: number
  readonly consumerCount: number
  readonly maxPayloadLength: number
}

/** Allocates and initialises a ring buffer (positions start at 0, nothing detached, open). */
export function createRingBuffer(capacity: number, consumerCount: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(ringBufferBytes(checkedCapacity(capacity), checkedConsumers(consumerCount)))
  initRingRegion(sab, 0, capacity, consumerCount)
  return sab
}

/**
 * Initialises a ring inside a region of an existing buffer (byteOffset a multiple of 128,
 * ringBufferBytes(capacity, consumerCount) bytes, zero-filled). Several rings in one arena
 * buffer let a stage move bytes between them with copyWithin: no view per copy.
 */
export function initRingRegion(sab: SharedArrayBuffer, byteOffset: number, capacity: number, consumerCount: number): void {
  checkedCapacity(capacity)
  checkedConsumers(consumerCount)
  if (byteOffset % 128 !== 0 || byteOffset < 0 || byteOffset + ringBufferBytes(capacity, consumerCount) > sab.byteLength) {
    throw new RingError(RingErrorCode.badBuffer, `ring region outside buffer or misaligned: byteOffset=${byteOffset}, bytes=${ringBufferBytes(capacity, consumerCount)}, bufferBytes=${sab.byteLength}`)
  }
  const meta = new Int32Array(sab, byteOffset, headerBytes(consumerCount) / 4)
  // Plain stores are enough: the buffer reaches other threads only through postMessage,
  // which orders everything before it (the structured clone is a synchronisation point).
  meta[CAPACITY_INDEX] = capacity
  meta[CONSUMER_COUNT_INDEX] = consumerCount
  meta[MAX_PAYLOAD_INDEX] = maxPayloadLength(capacity)
  meta[HEADER_BYTES_INDEX] = headerBytes(consumerCount)
  meta[VERSION_INDEX] = RING_VERSION
  meta[MAGIC_INDEX] = RING_MAGIC
}

function checkedCapacity(capacity: number): number {
  if (!isValidCapacity(capacity)) {
    throw new RingError(
      RingErrorCode.badCapacity,
      `ring capacity must be a power of two in [${MIN_CAPACITY}, ${MAX_CAPACITY}]: capacity=${capacity}`,
    )
  }
  return capacity
}

function checkedConsumers(consumerCount: number): number {
  if (!Number.isInteger(consumerCount) || consumerCount < 1 || consumerCount > MAX_CONSUMERS) {
    throw new RingError(
      RingErrorCode.badConsumerIndex,
      `consumer count out of range: consumerCount=${consumerCount}, min=1, max=${MAX_CONSUMERS}`,
    )
  }
  return consumerCount
}

/** Checks a buffer's header and builds this thread's views over it. */
export function openRingViews(sab: SharedArrayBuffer, byteOffset = 0): RingViews {
  if (!(sab instanceof SharedArrayBuffer)) {
    throw new RingError(RingErrorCode.badBuffer, `ring buffer must be a SharedArrayBuffer: got=${typeof sab}`)
  }
  if (byteOffset % 128 !== 0 || byteOffset < 0 || sab.byteLength < byteOffset + headerBytes(1) + MIN_CAPACITY) {
    throw new RingError(RingErrorCode.badBuffer, `ring buffer too small or offset misaligned: byteLength=${sab.byteLength}, byteOffset=${byteOffset}`)
  }
  const probe = new Int32Array(sab, byteOffset, 8)
  const magic = probe[MAGIC_INDEX]! >>> 0
  const version = probe[VERSION_INDEX]!
  if (magic !== RING_MAGIC) {
    throw new RingError(RingErrorCode.badBuffer, `not a ring buffer: magic=0x${magic.toString(16)}, expected=0x${RING_MAGIC.toString(16)}`)
  }
  if (version !== RING_VERSION) {
    throw new RingError(RingErrorCode.badBuffer, `unsupported ring version: version=${version}, supported=${RING_VERSION}`)
  }
  const capacity = probe[CAPACITY_INDEX]!
  const consumerCount = probe[CONSUMER_COUNT_INDEX]!
  const header = probe[HEADER_BYTES_INDEX]!
  if (
    !isValidCapacity(capacity) ||
    consumerCount < 1 ||
    consumerCount > MAX_CONSUMERS ||
    header !== headerBytes(consumerCount) ||
    sab.byteLength < byteOffset + ringBufferBytes(capacity, consumerCount)
  ) {
    throw new RingError(
      RingErrorCode.badBuffer,
      `inconsistent ring header: capacity=${capacity}, consumerCount=${consumerCount}, headerBytes=${header}, byteLength=${sab.byteLength}`,
    )
  }
  return {
    buffer: sab,
    byteOffset,
    dataOffset: byteOffset + header,
    meta: new Int32Array(sab, byteOffset, header / 4),
    bytes: new Uint8Array(sab, byteOffset + header, capacity),
    view: new DataView(sab, byteOffset + header, capacity),
    i32: new Int32Array(sab, byteOffset + header, capacity / 4),
    u32: new Uint32Array(sab, byteOffset + header, capacity / 4),
    capacity,
    consumerCount,
    maxPayloadLength: probe[MAX_PAYLOAD_INDEX]!,
  }
}
