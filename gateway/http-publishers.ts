// The publisher ids HTTP requests publish under, and who may use them:
//   - the gateway's own id, for requests that bring no identity of their own
//     (no Idempotency-Key, no publisher): pseqs numbered here;
//   - per identity, one Idempotency-Key publisher: a key's first request takes
//     its next pseq (gateway/state/idempotency-keys.ts);
//   - ids a request names ("publisher" in JSON, Message.publisher in a binary
//     frame), and older key publishers a retried key points at: they must
//     belong to the caller's identity (or be free, and become its).
// Every id is bound to its identity on disk before anything is offered under
// it (gateway/state/publisher-bindings.ts). A publisher whose pseqs the
// gateway numbers is replaced by a fresh id once a refusal left a hole in
// them; the others are let go once they have nothing left to answer.

import { GATEWAY_IDENTITY } from './auth/identity.js'
import type { GatewayContext } from './context.js'
import { HttpPublisher } from './http-publisher.js'
import { ErrorCode } from '../codec/error-codes.js'

export interface PublisherRefusal {
  readonly code: number
  readonly message: string
}

export class HttpPublishers {
  private readonly byId = new Map<number, HttpPublisher>()
  private own: HttpPublisher | null = null
  private readonly keyed = new Map<string, HttpPublisher>()

  constructor(private readonly ctx: GatewayContext) {}

  /** The gateway's own publisher (a fresh one when the last one broke). */
  gateway(): HttpPublisher | PublisherRefusal {
    const cur = this.own
    if (cur !== null && !cur.broken) return cur
    const p = this.assign(GATEWAY_IDENTITY)
    if (!(p instanceof HttpPublisher)) return p
    this.own = p
    if (cur !== null) this.settle(cur) // answers what it still owes, then goes
    return p
  }

  /** The identity's Idempotency-Key publisher for new keys. */
  forKeys(identity: string): HttpPublisher | PublisherRefusal {
    const cur = this.keyed.get(identity)
    if (cur !== undefined && !cur.broken) return cur
    const p = this.assign(identity)
    if (!(p instanceof HttpPublisher)) return p
    this.keyed.set(identity, p)
    if (cur !== undefined) this.settle(cur)
    return p
  }

  /** A publisher id a request names (or an older key publisher): it must be the identity's, or free. */
  named(publisher: number, identity: string): HttpPublisher | PublisherRefusal {
    const known = this.byId.get(publisher)
    if (known !== undefined) {
      return known.identity === identity ? known : taken(publisher)
    }
    const b = this.ctx.bindings
    if (!b.claim(publisher, identity)) return taken(publisher)
    const p = new HttpPublisher(this.ctx, publisher, identity)
    const r = this.start(p)
    if (r !== null) {
      b.release(publisher, identity)
      return r
    }
    return p
  }

  /** After an answer: let go of a publisher with nothing left to answer (never the current own or key ones). */
  settle(p: HttpPublisher): void {
    if (this.own === p || this.keyed.get(p.identity) === p) return
    if (!p.idle || this.byId.get(p.publisher) !== p) return
    this.byId.delete(p.publisher)
    p.release()
    this.ctx.bindings.release(p.publisher, p.identity)
  }

  private assign(identity: string): HttpPublisher | PublisherRefusal {
    const b = this.ctx.bindings
    const id = b.assign(identity, () => this.ctx.engine.newPublisherId())
    const p = new HttpPublisher(this.ctx, id, identity)
    const r = this.start(p)
    if (r !== null) {
      b.release(id, identity)
      return r
    }
    return p
  }

  /** Makes the binding durable and claims the id in the registry; null when the publisher is ready. */
  private start(p: HttpPublisher): PublisherRefusal | null {
    try {
      this.ctx.bindings.persist(p.publisher)
    } catch (err) {
      return { code: ErrorCode.INTERNAL, message: `cannot record the publisher id's owner: publisher=${p.publisher}, ${err instanceof Error ? err.message : String(err)}` }
    }
    if (!p.claim()) return { code: ErrorCode.BAD_PUBLISHER, message: `publisher id is held by a WebSocket connection: publisher=${p.publisher}` }
    this.byId.set(p.publisher, p)
    return null
  }
}

function taken(publisher: number): PublisherRefusal {
  return { code: ErrorCode.PUBLISHER_TAKEN, message: `publisher id not available to this token: publisher=${publisher}; leave "publisher" out (or use an Idempotency-Key) to publish under an id of the server's` }
}
