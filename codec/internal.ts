// Exports for ordo's own tests, tools and benchmarks: layout constants and
// low-level helpers that are not part of the public codec API.
export * from './message-layout.js'
export * from './frame-layout.js'
export { viewOf, readU64, writeU64, copyBytes, COPY_LOOP_MAX, TWO_POW_32 } from './byte-view.js'
export { writeMessageBody, writeSkeleton } from './message-writer.js'
export { canonicalLengthAt } from './frame-reader.js'
export { fieldPos, indirect, vectorAt } from './table-read.js'
export * as generated from './ordo_generated.js'
export { PublishAckWriter, readPublishAck, type AckPairSink } from './publish-ack.js'
export * from './publish-ack-layout.js'
