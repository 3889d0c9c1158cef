// The handle Engine.createPublisherPort() gives a publisher thread, and all that thread
// needs to open its ingress ring (RingPublisher.attach): plain data and shared buffers,
// so it can be posted to a Worker. Its own module so the worker side never loads the
// main-thread engine to learn its shape.

import type { AckListener } from './engine-port.js'

/** What a publisher thread needs (structured-clonable: post it to a Worker). */
export interface PublisherPort {
  arena: SharedArrayBuffer
  ringOffset: number
  bell: SharedArrayBuffer
  /** Int32 [0] = highest pseq acknowledged (durable), [1] = refusals; notified on change. */
  acks: SharedArrayBuffer
  publisher: number
}

/** Ack words of a publisher port: [0] highest durable pseq, [1] refusals. */
export const PORT_ACKED_PSEQ = 0
export const PORT_REFUSALS = 1
/** Bytes of a port's ack block: one 128-byte slot, so acks touch no other thread's line. */
export const PORT_ACKS_BYTES = 128

/**
 * The main-thread side of a port's ack block: the dispatcher's acks for this publisher
 * become the words RingPublisher reads (and waits on) in its thread.
 */
export function portAckListener(acks: Int32Array): AckListener {
  return {
    onAck(pseq) {
      // FIFO: acks come in pseq order except resends, so keep the max
      if (pseq > Atomics.load(acks, PORT_ACKED_PSEQ)) Atomics.store(acks, PORT_ACKED_PSEQ, pseq)
    },
    onReject() {
      Atomics.add(acks, PORT_REFUSALS, 1)
    },
    onAckFlush() {
      Atomics.notify(acks, PORT_ACKED_PSEQ)
    },
  }
}
