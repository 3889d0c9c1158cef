// Descriptor of the Publish and Deliver frames written by FrameWriter: a Frame
// table whose body is a Publish or Deliver table whose messages vector points
// at canonical blobs (codec/message-layout.ts) placed back to back after it.
// Every field is present (defaults forced) at a fixed offset, so fan-out can
// patch `subscription` and `durable_gsn` of a finished Deliver frame in place.
//
// FlatBuffers uoffsets only point forward, so the messages vector precedes the
// blobs: the writer reserves `maxMessages` slots and sets the vector length at
// finish. Unused slots are zeroed bytes that nothing references (allowed).
// Positions relative to the frame start (which must be 8-aligned), little endian:
//
// Publish                                   Deliver
//  0 u32 root uoffset = 12                   0 u32 root uoffset = 12
//  4 Frame vtable: u16 8, 12, 8, 4           4 Frame vtable: u16 8, 12, 8, 4
//    (vtsize, tblsize, @body_type, @body)      (same)
// 12 Frame table: i32 soffset = 8           12 Frame table: i32 soffset = 8
// 16 u32 body uoffset = 16 (-> 32)          16 u32 body uoffset = 24 (-> 40)
// 20 u8 body_type = 5, 3 zero               20 u8 body_type = 9, 3 zero
// 24 Publish vtable: u16 6, 8, 4; 2 zero    24 Deliver vtable: u16 10, 24, 4, 16, 8; 6 zero
//    (vtsize, tblsize, @messages)              (vtsize, tblsize, @subscription, @messages, @durable_gsn)
// 32 Publish table: i32 soffset = 8         40 Deliver table: i32 soffset = 16
// 36 u32 messages uoffset = 4 (-> 40)       44 u32 subscription            <- patched by fan-out
//                                           48 u64 durable_gsn             <- patched by fan-out
//                                           56 u32 messages uoffset = 8 (-> 64)
//                                           60 4 zero (table ends at 64)
// 40 u32 count                              64 u32 count
// 44 maxMessages x u32 uoffset              68 maxMessages x u32 uoffset
//    slot i -> blob i + 24 (its table)         slot i -> blob i + 24
// align8(44 + 4 max): blobs                 align8(68 + 4 max): blobs
// frame length = end of the last blob (a multiple of 8); a frame with no
// messages ends after its count: 44 (Publish), 72 = align8(68) (Deliver)

/** Root uoffset value: the Frame table sits right after its vtable. */
export const ROOT_UOFFSET = 12
export const FRAME_VTABLE_POS = 4
export const FRAME_VTABLE_SIZE = 8
export const FRAME_TABLE_SIZE = 12
export const FRAME_TABLE_POS = 12
/** Field offsets of Frame, relative to FRAME_TABLE_POS. */
export const FRAME_FIELD_BODY = 4
export const FRAME_FIELD_BODY_TYPE = 8
export const FRAME_BODY_UOFFSET_POS = FRAME_TABLE_POS + FRAME_FIELD_BODY // 16
export const FRAME_BODY_TYPE_POS = FRAME_TABLE_POS + FRAME_FIELD_BODY_TYPE // 20
export const BODY_VTABLE_POS = 24

// Publish
export const PUBLISH_VTABLE_SIZE = 6
export const PUBLISH_TABLE_SIZE = 8
export const PUBLISH_TABLE_POS = 32
export const PUBLISH_FIELD_MESSAGES = 4
export const PUBLISH_MESSAGES_UOFFSET_POS = PUBLISH_TABLE_POS + PUBLISH_FIELD_MESSAGES // 36
export const PUBLISH_COUNT_POS = 40
export const PUBLISH_SLOTS_POS = 44
/** Length of a Publish frame with no messages (ends after the count; all alignment is 4). */
export const PUBLISH_EMPTY_LENGTH = 44

// Deliver
export const DELIVER_VTABLE_SIZE = 10
export const DELIVER_TABLE_SIZE = 24
export const DELIVER_TABLE_POS = 40
export const DELIVER_FIELD_SUBSCRIPTION = 4
export const DELIVER_FIELD_DURABLE_GSN = 8
export const DELIVER_FIELD_MESSAGES = 16
export const DELIVER_SUBSCRIPTION_POS = DELIVER_TABLE_POS + DELIVER_FIELD_SUBSCRIPTION // 44
export const DELIVER_DURABLE_GSN_POS = DELIVER_TABLE_POS + DELIVER_FIELD_DURABLE_GSN // 48
export const DELIVER_MESSAGES_UOFFSET_POS = DELIVER_TABLE_POS + DELIVER_FIELD_MESSAGES // 56
export const DELIVER_COUNT_POS = 64
export const DELIVER_SLOTS_POS = 68
/** Length of a Deliver frame with no messages: the count ends at 68, padded to 8 for durable_gsn. */
export const DELIVER_EMPTY_LENGTH = 72

/** Position of the first blob for a frame with room for `maxMessages`. */
export function publishBlobsPos(maxMessages: number): number {
  return (PUBLISH_SLOTS_POS + 4 * maxMessages + 7) & ~7
}

export function deliverBlobsPos(maxMessages: number): number {
  return (DELIVER_SLOTS_POS + 4 * maxMessages + 7) & ~7
}
