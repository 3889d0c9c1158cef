// Public surface of the journal library and inspect. Internals (descriptors,
// cursor, recovery steps) are exported from ./internal.ts for tests and tools.

export { Journal, DEFAULT_SEGMENT_BYTES, DEFAULT_WRITE_BUFFER_BYTES } from './journal-writer.js'
export type { JournalOptions, JournalDurability } from './journal-writer.js'
export type { RecoveryReport } from './recovery.js'
export type { RetentionPolicy, RetentionReport } from './retention.js'
export { RetentionStop } from './retention.js'
export { openReader, JournalReader, RecordView } from './journal-reader.js'
export type { ReaderOptions } from './journal-reader.js'
export { inspectJournal } from './inspect.js'
export type { InspectReport, SegmentInspection, IndexInspection, RecordProblem } from './inspect.js'
export type { FileIo } from './file-io.js'
export { nodeFileIo } from './file-io.js'
export {
  JournalErrorCode,
  JournalError,
  JournalCorruptError,
  JournalFormatError,
  JournalSegmentGapError,
  JournalGsnGapError,
  JournalRetainedError,
  JournalIoError,
  JournalFailedError,
  JournalDataLostError,
  JournalLockedError,
  JournalClosedError,
  JournalArgumentError,
  GroupNameError,
  GroupRegistryCorruptError,
  GroupRegistryFullError,
} from './errors.js'
