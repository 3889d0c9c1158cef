// Record layout inside a ring's data region. Adapted from Agrona's RecordDescriptor.
//
//   0        4        8
//   +--------+--------+-----------------------------+---------+
//   | length | type   | payload (length bytes)      | pad to 8|
//   +--------+--------+-----------------------------+---------+
//   length  i32: payload bytes, not counting this header nor the alignment pad
//   type    i32: caller's record type, 0 .. 2^31-1; -1 marks a padding record
//
// Records start 8-aligned (the data region starts on a 128-byte boundary), so a payload
// can be read in place through Int32Array / Float64Array views and keeps FlatBuffers'
// alignment. A record is never split across the end of the data region: when the next
// record does not fit before the end, the producer fills the rest with one padding
// record (its length covers the remainder minus the header; the remainder is always a
// multiple of 8 and so at least one header) and starts again at index 0. Consumers skip
// padding records without showing them.
//
// Unlike Agrona's multi-producer ring, a record is not claimed with a negative length and
// committed with a positive one: one producer publishes everything below its tail with a
// single store of the tail, so headers are final before anyone can see them.

export const RECORD_HEADER_LENGTH = 8
export const RECORD_ALIGNMENT = 8
export const LENGTH_OFFSET = 0
export const TYPE_OFFSET = 4

export const PADDING_TYPE = -1
export const MAX_RECORD_TYPE = 0x7fffffff

/** Bytes a record with this payload occupies in the ring (header + payload, 8-aligned). */
export function alignedRecordLength(payloadLength: number): number {
  return (payloadLength + RECORD_HEADER_LENGTH + RECORD_ALIGNMENT - 1) & ~(RECORD_ALIGNMENT - 1)
}

/** Int32 index (into the data region's Int32Array) of the length word of the record at recordIndex. */
export function lengthWord(recordIndex: number): number {
  return (recordIndex + LENGTH_OFFSET) >> 2
}

/** Int32 index of the type word of the record at recordIndex. */
export function typeWord(recordIndex: number): number {
  return (recordIndex + TYPE_OFFSET) >> 2
}

/** Byte index of the payload of the record at recordIndex. */
export function payloadIndex(recordIndex: number): number {
  return recordIndex + RECORD_HEADER_LENGTH
}

export function isValidRecordType(type: number): boolean {
  return (type | 0) === type && type >= 0
}
