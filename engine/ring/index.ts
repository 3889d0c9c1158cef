// Public surface of engine/ring: shared-memory rings between pipeline stages.
//
//   // producer thread                         // consumer thread (worker)
//   const ring = SpscRing.create(1 << 20)      const ring = SpscRing.attach(workerData.sab)
//   new Worker(url, { workerData:              const idle = new BackoffIdleStrategy({ parker: ring.consumer })
//     { sab: ring.buffer } })                  for (;;) idle.idle(ring.poll(onRecord))
//   const at = ring.tryClaim(len, TYPE)        function onRecord(bytes, offset, length, type) {
//   if (at >= 0) { encode(ring.bytes, at)        // read in place; copy what you keep
//                  ring.commit() }             }
//   else if (at === BACK_PRESSURED) ...        // main thread: poll(), then await
//                                              //   ring.consumer.waitForDataAsync(ms) when empty
//
// Hot-path calls return numeric sentinels (TOO_LARGE, BACK_PRESSURED, CLOSED, EMPTY) and
// allocate nothing; blocking calls (claim, park, waitForData) are for worker threads,
// the *Async waits for the main thread.
export { SpscRing } from './spsc-ring.js'
export { SpmcRing } from './spmc-ring.js'
export { RingProducer, DEFAULT_CLAIM_TIMEOUT_MS } from './ring-producer.js'
export { RingConsumer, detachConsumer, type RecordHandler } from './ring-consumer.js'
export { Doorbell, DOORBELL_BYTES } from './doorbell.js'
export { committedUnreleasedBytes } from './ring-occupancy.js'
export { TOO_LARGE, BACK_PRESSURED, CLOSED, EMPTY, RingResult } from '../../codec/results.js'
export { RingError, RingErrorCode } from './ring-errors.js'
export {
  RECORD_HEADER_LENGTH,
  RECORD_ALIGNMENT,
  PADDING_TYPE,
  MAX_RECORD_TYPE,
  alignedRecordLength,
} from './record-descriptor.js'
export { MIN_CAPACITY, MAX_CAPACITY, MAX_CONSUMERS, maxPayloadLength, ringBufferBytes } from './ring-descriptor.js'
