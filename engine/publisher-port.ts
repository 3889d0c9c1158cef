// The handle Engine.createPublisherPort() gives a publisher thread, and all that thread
// needs to open its ingress ring (RingPublisher.attach): plain data and shared buffers,
// so it can be posted to a Worker. Its own module so the worker side never loads the
// main-thread engine to learn its shape.

/** What a publisher thread needs (structured-clonable: post it to a Worker). */
export interface PublisherPort {
  arena: SharedArrayBuffer
  ringOffset: number
  bell: SharedArrayBuffer
  /** Int32 [0] = highest pseq acknowledged (durable), [1] = refusals; notified on change. */
  acks: SharedArrayBuffer
  publisher: number
}
