// Ring header layout: the counters a ring's producer and consumers share.
// Adapted from Agrona's RingBufferDescriptor (counters on their own padded slots,
// data region after a fixed header); ordo keeps the header in front of the data.
//
// A ring is one SharedArrayBuffer: a header of 128-byte slots, then `capacity` bytes
// of records (capacity a power of two, 64 .. 2^30).
//
//   byte 0        128       256       384       512       640       768
//        +---------+---------+---------+---------+---------+---------+---- ... -+--------------+
//        | CONFIG  | TAIL    |DATA BELL|SPACEBELL| STATUS  |CONSUMER0|  ... N-1 | data region  |
//        +---------+---------+---------+---------+---------+---------+---- ... -+--------------+
//                                                                      headerBytes = 128*(5+N)
//
//   CONFIG    written once by create(), only read afterwards (so its line stays clean in
//             every cache):
//               +0 magic 'ORNG'  +4 version  +8 capacity  +12 consumer count
//               +16 max payload length  +20 header bytes
//   TAIL      +0 producer's committed position. Written by the producer once per commit,
//             read by every consumer on every poll: its own slot so consumer cursor writes
//             never invalidate the line the consumers poll, nor the other way round.
//   DATA BELL +0 sequence, +4 waiter count: consumers that sleep on an empty ring register
//             here; the producer reads the waiter count after each commit. Written only when
//             someone sleeps, so in steady state the producer's read hits a clean shared line.
//   SPACEBELL +0 sequence, +4 waiter count: the same for a producer sleeping on a full ring;
//             consumers read the waiter count after each release.
//   STATUS    +0 closed flag (either side may set it). Rarely written, read when waiting.
//   CONSUMERi +0 cursor (position up to which consumer i released), +4 detached flag.
//             One slot per consumer: each consumer writes its cursor once per batch and two
//             consumers on two cores must not bounce one line between them; the producer
//             reads them all only when its cached minimum says the ring is full.
//
// Why 128 and not 64 bytes: x86's adjacent-line prefetcher pulls lines in pairs, so two
// hot counters 64 bytes apart still interfere.
//
// What is not in the header: the producer's claim position (uncommitted claims) and its
// cached minimum consumer position. Only the producer reads them, so they live in the
// producer's own JS object, where reading them costs nothing and writes touch no shared
// line. A producer opened afresh starts from TAIL.
//
// Positions are u32 byte counters that wrap modulo 2^32; index = position & (capacity-1);
// distances are (a - b) >>> 0, valid because capacity <= 2^30. The Int32Array words hold
// the same bits; JS code keeps positions as their int32 pattern (`| 0`) so V8 keeps them
// small integers, and shows them as u32 (`>>> 0`).

export const SLOT_BYTES = 128
export const SLOT_INTS = SLOT_BYTES / 4

// 'ORNG' read as a little-endian u32. In memory only; distinct from every on-disk magic
// ('ORDS' segment, 'ORDR' journal record, 'ORDI' index, 'ORDG' groups.log, 'ORSQ' snapshot)
// so a dump of either is never mistaken for the other.
export const RING_MAGIC = 0x474e524f
export const RING_VERSION = 1

export const MIN_CAPACITY = 64
export const MAX_CAPACITY = 2 ** 30
export const MAX_CONSUMERS = 64

// Slots.
export const SLOT_CONFIG = 0
export const SLOT_TAIL = 1
export const SLOT_DATA_BELL = 2
export const SLOT_SPACE_BELL = 3
export const SLOT_STATUS = 4
export const SLOT_FIRST_CONSUMER = 5

// Int32 indices of the words (slot * SLOT_INTS + word).
export const MAGIC_INDEX = SLOT_CONFIG * SLOT_INTS + 0
export const VERSION_INDEX = SLOT_CONFIG * SLOT_INTS + 1
export const CAPACITY_INDEX = SLOT_CONFIG * SLOT_INTS + 2
export const CONSUMER_COUNT_INDEX = SLOT_CONFIG * SLOT_INTS + 3
export const MAX_PAYLOAD_INDEX = SLOT_CONFIG * SLOT_INTS + 4
export const HEADER_BYTES_INDEX = SLOT_CONFIG * SLOT_INTS + 5
export const TAIL_INDEX = SLOT_TAIL * SLOT_INTS
export const DATA_BELL_SEQ_INDEX = SLOT_DATA_BELL * SLOT_INTS
export const DATA_BELL_WAITERS_INDEX = SLOT_DATA_BELL * SLOT_INTS + 1
export const SPACE_BELL_SEQ_INDEX = SLOT_SPACE_BELL * SLOT_INTS
export const SPACE_BELL_WAITERS_INDEX = SLOT_SPACE_BELL * SLOT_INTS + 1
export const CLOSED_INDEX = SLOT_STATUS * SLOT_INTS

/** Int32 index of consumer i's cursor. */
export function cursorIndex(consumer: number): number {
  return (SLOT_FIRST_CONSUMER + consumer) * SLOT_INTS
}

/** Int32 index of consumer i's detached flag (same slot as its cursor: both belong to it). */
export function detachedIndex(consumer: number): number {
  return (SLOT_FIRST_CONSUMER + consumer) * SLOT_INTS + 1
}

/** Bytes of header in front of the data region (a multiple of 128, so records are aligned). */
export function headerBytes(consumerCount: number): number {
  return (SLOT_FIRST_CONSUMER + consumerCount) * SLOT_BYTES
}

/** Total SharedArrayBuffer size for a ring. */
export function ringBufferBytes(capacity: number, consumerCount: number): number {
  return headerBytes(consumerCount) + capacity
}

/**
 * Largest payload one record may carry: an aligned record (header + payload) of at most
 * half the ring, so producer and consumer can always work on different halves at once.
 */
export function maxPayloadLength(capacity: number): number {
  return capacity / 2 - 8
}

export function isValidCapacity(capacity: number): boolean {
  return (
    Number.isInteger(capacity) &&
    capacity >= MIN_CAPACITY &&
    capacity <= MAX_CAPACITY &&
    (capacity & (capacity - 1)) === 0
  )
}
