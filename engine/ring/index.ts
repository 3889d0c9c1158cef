// Public surface of engine/ring: shared-memory rings between pipeline stages.
export { SpscRing } from './spsc-ring.js'
export { SpmcRing } from './spmc-ring.js'
export { RingProducer, DEFAULT_CLAIM_TIMEOUT_MS } from './ring-producer.js'
export { RingConsumer, detachConsumer, type RecordHandler } from './ring-consumer.js'
export { Doorbell, DOORBELL_BYTES } from './doorbell.js'
export { TOO_LARGE, BACK_PRESSURED, CLOSED, EMPTY, RingResult } from './ring-sentinels.js'
export { RingError, RingErrorCode } from './ring-errors.js'
export {
  RECORD_HEADER_LENGTH,
  RECORD_ALIGNMENT,
  PADDING_TYPE,
  MAX_RECORD_TYPE,
  alignedRecordLength,
} from './record-descriptor.js'
export { MIN_CAPACITY, MAX_CAPACITY, MAX_CONSUMERS, maxPayloadLength, ringBufferBytes } from './ring-descriptor.js'
