// What the server's pieces share: the engine, the limits, counters, and the
// reusable flyweights of the single main thread (one verifier verdict, one
// message cursor, one scratch frame writer), so that nothing per connection
// needs its own copy.

import type { Limits } from '../codec/index.js'
import { FrameWriter, MessageCursor, Verdict } from '../codec/index.js'
import type { EnginePort } from '../engine/engine-port.js'
import type { Logger } from '../engine/logger.js'
import type { Authenticator } from './auth/token.js'
import type { GatewayLimits } from './limits.js'
import type { GatewayCounters } from './metrics.js'
import type { PublisherRegistry } from './publisher-registry.js'
import type { IdempotencyKeys } from './state/idempotency-keys.js'
import type { PublisherBindings } from './state/publisher-bindings.js'

export interface IngressWaiter {
  /** The engine's ingress has room again: offer held frames. */
  onIngressRoom(): void
}

export class GatewayContext {
  readonly verdict = new Verdict()
  readonly cursor = new MessageCursor()
  readonly scratchWriter = new FrameWriter()
  private scratch = new Uint8Array(64 * 1024)
  private readonly ingressWaiters = new Set<IngressWaiter>()
  private ingressWatched = false
  /** Set when shutdown begins: publishes are refused with GOING_AWAY. */
  draining = false
  private nextGeneration = 1

  constructor(
    readonly engine: EnginePort,
    readonly limits: GatewayLimits,
    readonly verifierLimits: Limits,
    readonly counters: GatewayCounters,
    readonly registry: PublisherRegistry,
    readonly auth: Authenticator,
    readonly logger: Logger,
    /** Which identity owns each publisher id (G4). */
    readonly bindings: PublisherBindings,
    /** HTTP Idempotency-Key -> (publisher, pseq) of its identity. */
    readonly keys: IdempotencyKeys,
  ) {}

  newGeneration(): number {
    return this.nextGeneration++
  }

  /** A scratch buffer of at least `size` bytes (reused; valid until the next call). */
  scratchBuffer(size: number): Uint8Array {
    if (this.scratch.length < size) {
      let n = this.scratch.length
      while (n < size) n *= 2
      this.scratch = new Uint8Array(n)
    }
    return this.scratch
  }

  /** Calls w.onIngressRoom() once the engine's ingress frees up (one engine callback for all waiters). */
  waitForIngress(w: IngressWaiter): void {
    this.ingressWaiters.add(w)
    if (this.ingressWatched) return
    this.ingressWatched = true
    this.engine.onIngressDrain(() => {
      this.ingressWatched = false
      const waiters = [...this.ingressWaiters]
      this.ingressWaiters.clear()
      for (const x of waiters) x.onIngressRoom()
    })
  }

  cancelIngressWait(w: IngressWaiter): void {
    this.ingressWaiters.delete(w)
  }
}
