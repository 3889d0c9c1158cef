// Descriptor of the canonical message blob: one FlatBuffers `Message` table
// (codec/ordo.fbs) laid out with its vtable and its three vectors in one
// contiguous, 8-aligned byte range that holds only relative offsets. Such a blob
// can be memcpy'd to any 8-aligned position (ring record, journal batch, Deliver
// frame) and stays a valid Message, and every field sits at a fixed offset, so
// the sequencer stamps gsn/gseqs/time without walking the vtable.
//
// Positions relative to the blob start (n = group count, L = payload length),
// all little endian:
//
//    0        2        4        6        8       10       12       14       16       18      24
//    +--------+--------+--------+--------+--------+--------+--------+--------+--------+-------+
//    | vtsize | tblsize| @gsn   | @publ. | @pseq  | @groups| @gseqs | @time  | @paylod| zero  |
//    |   18   |   48   |   8    |   16   |   24   |   4    |   40   |   32   |   44   |  x6   |
//    +--------+--------+--------+--------+--------+--------+--------+--------+--------+-------+
//   24  i32 soffset = 24                (table start: a messages-vector uoffset points here;
//                                        vtable = table - soffset = blob start)
//   28  u32 groups uoffset  = 52 + 8n   (-> groups vector length at 80 + 8n)
//   32  u64 gsn                         (stamped by the sequencer)
//   40  u64 publisher
//   48  u64 pseq
//   56  u64 time                        (stamped by the sequencer)
//   64  u32 gseqs uoffset   = 12        (-> gseqs vector length at 76)
//   68  u32 payload uoffset = 16 + 12n  (-> payload length at 84 + 12n)
//   72  4 zero bytes                    (table ends at 72: tblsize 48 = 72 - 24)
//   76  u32 n,  80: n x u64 gseqs       (elements 8-aligned; stamped by the sequencer)
//   80+8n   u32 n,  84+8n: n x u32 group ids
//   84+12n  u32 L,  88+12n: L payload bytes
//   blob length = align8(88 + 12n + L), zero padded
//
// The field offsets in the vtable are relative to the table start (24), in
// schema order: gsn, publisher, pseq, groups, gseqs, time, payload.

/** Bytes of the vtable (4 header bytes + 7 fields x 2). */
export const VTABLE_SIZE = 18
/** Inline size of the table, soffset included (24..72). */
export const TABLE_SIZE = 48
/** Position of the table (its soffset) in the blob; also the soffset value. */
export const TABLE_POS = 24

/** Vtable field offsets, relative to TABLE_POS. */
export const FIELD_GSN = 8
export const FIELD_PUBLISHER = 16
export const FIELD_PSEQ = 24
export const FIELD_GROUPS = 4
export const FIELD_GSEQS = 40
export const FIELD_TIME = 32
export const FIELD_PAYLOAD = 44

/** Absolute positions in the blob. */
export const GROUPS_UOFFSET_POS = TABLE_POS + FIELD_GROUPS // 28
export const GSN_POS = TABLE_POS + FIELD_GSN // 32
export const PUBLISHER_POS = TABLE_POS + FIELD_PUBLISHER // 40
export const PSEQ_POS = TABLE_POS + FIELD_PSEQ // 48
export const TIME_POS = TABLE_POS + FIELD_TIME // 56
export const GSEQS_UOFFSET_POS = TABLE_POS + FIELD_GSEQS // 64
export const PAYLOAD_UOFFSET_POS = TABLE_POS + FIELD_PAYLOAD // 68
export const TABLE_END = TABLE_POS + TABLE_SIZE // 72
/** gseqs vector: length field, then the first element. */
export const GSEQS_LENGTH_POS = 76
export const GSEQS_POS = 80
/** Bytes of a blob with no groups and no payload. */
export const BLOB_FIXED_BYTES = 88
/** Bytes per group: one u64 gseq plus one u32 group id. */
export const BLOB_BYTES_PER_GROUP = 12
/** Blobs start and end on 8-byte boundaries (u64 fields and gseqs). */
export const BLOB_ALIGN = 8
/** Largest group count the protocol allows (1-16 groups, docs/guarantees.md). */
export const MAX_GROUPS = 16

/** The vtable read as little-endian u32 words at 0, 4, 8, 12 and the u16 at 16. */
export const VTABLE_WORD0 = VTABLE_SIZE | (TABLE_SIZE << 16)
export const VTABLE_WORD1 = FIELD_GSN | (FIELD_PUBLISHER << 16)
export const VTABLE_WORD2 = FIELD_PSEQ | (FIELD_GROUPS << 16)
export const VTABLE_WORD3 = FIELD_GSEQS | (FIELD_TIME << 16)
export const VTABLE_LAST_FIELD = FIELD_PAYLOAD
/** Value of the gseqs uoffset (from 64 to 76). */
export const GSEQS_UOFFSET = GSEQS_LENGTH_POS - GSEQS_UOFFSET_POS

export function align8(n: number): number {
  return (n + 7) & ~7
}

/** Length of a canonical blob with `groupCount` groups and `payloadLength` payload bytes. */
export function blobLength(groupCount: number, payloadLength: number): number {
  return (BLOB_FIXED_BYTES + BLOB_BYTES_PER_GROUP * groupCount + payloadLength + 7) & ~7
}

/** Position of gseq i, relative to the blob start. */
export function gseqPos(i: number): number {
  return GSEQS_POS + 8 * i
}

/** Position of the groups vector length field. */
export function groupsLengthPos(groupCount: number): number {
  return 80 + 8 * groupCount
}

/** Position of group id i. */
export function groupPos(groupCount: number, i: number): number {
  return 84 + 8 * groupCount + 4 * i
}

/** Position of the payload length field. */
export function payloadLengthPos(groupCount: number): number {
  return 84 + 12 * groupCount
}

/** Position of the first payload byte. */
export function payloadPos(groupCount: number): number {
  return BLOB_FIXED_BYTES + 12 * groupCount
}

/** Value stored in the groups uoffset (from 28 to the groups length field). */
export function groupsUoffset(groupCount: number): number {
  return 52 + 8 * groupCount
}

/** Value stored in the payload uoffset (from 68 to the payload length field). */
export function payloadUoffset(groupCount: number): number {
  return 16 + 12 * groupCount
}
