// The main thread's way into ingress ring 0, shared by Engine.publish and the gateway
// (Engine.offerPublishFrame). Writes go straight into the ring (IngressWriter); the ring's
// tail is published once per microtask (queueFlush), so a burst of publishes in one
// event-loop turn reaches the sequencer as one record. When the ring is full, embedded
// publishes wait in a backlog, in order, and gateway frames are refused with
// BACK_PRESSURED until the ring has room again (onDrain callbacks say when).

import type { IngressWriter } from './ingress-writer.js'

const noop = (): boolean => true
/**
 * Flushes are queued as reactions to one settled promise: Node's queueMicrotask makes an
 * AsyncResource and a bound function per call (about 100 B per gateway frame, measured with
 * a sampling heap profile at 50 000 frames/s); a reaction costs one promise.
 */
const SETTLED = Promise.resolve()
/** How long one asynchronous wait for ring space lasts before it is renewed. */
const SPACE_WAIT_MS = 50

export class IngressQueue {
  private flushQueued = false
  /** Publishes waiting for room, oldest first; each returns false while the ring is still full. */
  private backlog: (() => boolean)[] = []
  private backlogHead = 0
  private drainWaiting = false
  private drainCallbacks: (() => void)[] = []

  constructor(readonly writer: IngressWriter) {}

  /** Whether publishes wait for room (new ones must queue behind them to keep their order). */
  get backedUp(): boolean {
    return this.backlog.length > this.backlogHead
  }

  /** Runs `attempt` now, or keeps it (in order) until the ring has room; flushes this turn. */
  submit(attempt: () => boolean): void {
    if (this.backedUp || !attempt()) {
      this.backlog.push(attempt)
      this.waitForSpace()
    }
    this.queueFlush()
  }

  /** Calls cb once when the ring has room again (after a BACK_PRESSURED). */
  onDrain(cb: () => void): void {
    this.drainCallbacks.push(cb)
    this.waitForSpace()
  }

  /** Publishes what was written at the end of this event-loop turn (one commit per turn). */
  queueFlush(): void {
    if (this.flushQueued) return
    this.flushQueued = true
    void SETTLED.then(this.flushBound)
  }

  // Bound once: a closure per queued flush was an allocation per gateway frame.
  private readonly flushBound = (): void => {
    this.flushQueued = false
    this.writer.flush()
  }

  /** Resolves once the backlog is empty and everything written is published. */
  async drain(): Promise<void> {
    while (this.backedUp) await new Promise((r) => setTimeout(r, 1))
    this.writer.flush()
  }

  /** Flushes, then waits (asynchronously) for room; retries the backlog, then tells onDrain callers. */
  waitForSpace(): void {
    if (this.drainWaiting) return
    this.drainWaiting = true
    this.writer.flush()
    void this.writer.producer.waitForSpaceAsync(SPACE_WAIT_MS).then(() => {
      this.drainWaiting = false
      const q = this.backlog
      while (this.backlogHead < q.length) {
        if (!q[this.backlogHead]!()) break
        q[this.backlogHead++] = noop
      }
      if (this.backlogHead === q.length) {
        this.backlog = []
        this.backlogHead = 0
      }
      this.writer.flush()
      if (this.backedUp) {
        this.waitForSpace()
        return
      }
      const cbs = this.drainCallbacks
      this.drainCallbacks = []
      for (const cb of cbs) cb()
    })
  }
}
