// Descriptor of the PublishAck frames the gateway writes (fast path: acks flow
// at the publish rate, so they are written with fixed offsets into a reused
// buffer rather than through a flatbuffers Builder). The first 24 bytes are the
// same Frame header as codec's FrameWriter frames (codec/frame-layout.ts).
// n = number of (pseq, gsn) pairs; positions relative to the frame start,
// little endian:
//
//  0 u32 root uoffset = 12
//  4 Frame vtable: u16 8, 12, 8, 4   (vtsize, tblsize, @body_type, @body)
// 12 Frame table: i32 soffset = 8
// 16 u32 body uoffset = 16           (-> 32)
// 20 u8 body_type = 6 (PublishAck), 3 zero
// 24 PublishAck vtable: u16 8, 12, 4, 8   (vtsize, tblsize, @pseqs, @gsns)
// 32 PublishAck table: i32 soffset = 8
// 36 u32 pseqs uoffset = 8           (-> 44)
// 40 u32 gsns uoffset = 12 + 8n      (-> 52 + 8n)
// 44 u32 n, 48: n x u64 pseqs        (elements 8-aligned)
// 48+8n  4 zero bytes (padding, so the gsns elements are 8-aligned too)
// 52+8n  u32 n, 56+8n: n x u64 gsns
// frame length = 56 + 16n (a multiple of 8)

export const ACK_HEADER_BYTES = 24
export const ACK_VTABLE_POS = 24
export const ACK_VTABLE_SIZE = 8
export const ACK_TABLE_SIZE = 12
export const ACK_TABLE_POS = 32
export const ACK_FIELD_PSEQS = 4
export const ACK_FIELD_GSNS = 8
export const ACK_PSEQS_UOFFSET_POS = ACK_TABLE_POS + ACK_FIELD_PSEQS // 36
export const ACK_GSNS_UOFFSET_POS = ACK_TABLE_POS + ACK_FIELD_GSNS // 40
export const ACK_PSEQS_LENGTH_POS = 44
export const ACK_PSEQS_POS = 48

export function ackGsnsLengthPos(n: number): number {
  return 52 + 8 * n
}

export function ackGsnsPos(n: number): number {
  return 56 + 8 * n
}

export function ackFrameLength(n: number): number {
  return 56 + 16 * n
}
