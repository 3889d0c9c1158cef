// Public surface of ordo's codec: FlatBuffers frames of codec/ordo.fbs, the
// canonical message blob, the verifier, fast writer/reader and Builder helpers.
// No node: imports anywhere in codec/ (the client library runs in browsers).

// Canonical message blob: layout, writer, fixed-offset readers and stamps.
export {
  BLOB_ALIGN,
  BLOB_FIXED_BYTES,
  BLOB_BYTES_PER_GROUP,
  MAX_GROUPS,
  GSN_POS,
  PUBLISHER_POS,
  PSEQ_POS,
  TIME_POS,
  GSEQS_POS,
  TABLE_POS,
  align8,
  blobLength,
  gseqPos,
  groupPos,
  payloadPos,
  payloadLengthPos,
} from './message-layout.js'
export { writeMessage } from './message-writer.js'
export {
  canonicalBlobLength,
  blobLengthAt,
  blobGsn,
  blobPublisher,
  blobPseq,
  blobTime,
  blobGroupCount,
  blobGroup,
  blobGseq,
  blobPayloadOffset,
  blobPayloadLength,
  stampBlob,
  stampBlobGseq,
} from './blob.js'
export { copyCanonical } from './copy-canonical.js'

// Publish/Deliver frames: fast writer, patching, reader.
export { FrameWriter, patchDeliverSubscription, patchDeliverDurableGsn, writerFrameKind } from './frame-writer.js'
export {
  DELIVER_SUBSCRIPTION_POS,
  DELIVER_DURABLE_GSN_POS,
  publishBlobsPos,
  deliverBlobsPos,
} from './frame-layout.js'
export { MessageCursor, stampMessage, stampGseq } from './frame-reader.js'

// Verifier.
export { verifyFrame, verifyMessage, verifyBlobs } from './verifier.js'
export { Verdict } from './verdict.js'
export { VerifyCode, verifyCodeName } from './verify-codes.js'
export { DEFAULT_LIMITS, makeLimits, type Limits } from './limits.js'

// Results, body types, errors.
export { OrdoBaseError, withDetails, type ErrorDetail, type OrdoErrorOptions } from './ordo-error.js'
export {
  Result,
  resultName,
  CodecResult,
  codecResultName,
  NO_SPACE,
  MISALIGNED,
  FULL,
  NOT_CANONICAL,
  TRUNCATED,
  TOO_MANY_GROUPS,
  WRONG_STATE,
  NOT_MESSAGE_FRAME,
  INCONSISTENT,
  BAD_ARGUMENT,
  MISSING_FIELD,
} from './results.js'
export { BodyType, bodyTypeName, MAX_BODY_TYPE, type BodyTypeName } from './body-type.js'
export { AckPolicy, ACK_POLICY_NAMES, DEFAULT_ACK_WAIT_MS, isAckPolicy } from './ack-policy.js'
export { CodecError, FrameDecodeError, FrameEncodeError } from './errors.js'

// The protocol's vocabulary: wire error codes and the group naming rule.
export {
  ErrorCode, ERROR_CODES, CloseCode, closeCodeFor, errorCodeName, errorCodeInfo, RefKind, type ErrorCodeInfo, type ErrorCodeName,
} from './error-codes.js'
export {
  MAX_GROUP_NAME_BYTES, GroupNameProblem, groupNameProblem, groupNameProblemText, isValidGroupName,
} from './group-name.js'

// Builder-based helpers (control frames, tools).
export {
  encodeFrame,
  encodeHello,
  encodeWelcome,
  encodeResolveGroups,
  encodeGroups,
  encodePublishAck,
  encodeSubscribe,
  encodeSubscribed,
  encodeUnsubscribe,
  encodeAck,
  encodeHeartbeat,
  encodeError,
  encodeDeliver,
  encodeWithdrawn,
  encodePublish,
  publishMessage,
  type EncodeOptions,
} from './frames.js'
export { decodeFrame } from './frame-decode.js'
export type * from './wire-types.js'
export type { DeliverBatch } from './deliver-batch.js'
export { isValidUtf8 } from './utf8.js'
export { releaseViews } from './byte-view.js'
