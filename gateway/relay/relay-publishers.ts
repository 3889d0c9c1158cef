// The publishing half of a relay's engine port: one PublisherLink per publisher
// id that publishes through the relay, opened with the token its client
// presented (relay/publisher-link.ts says why each client gets its own
// upstream connection).

import { randomInt } from 'node:crypto'
import { MessageCursor, type Verdict } from '../../codec/index.js'
import { BAD_PUBLISHER, CLOSED, NOT_MESSAGE_FRAME } from '../../codec/results.js'
import type { AckListener } from '../../engine/engine-port.js'
import { PublisherLink } from './publisher-link.js'
import type { RelayOptions } from './relay-options.js'

interface Publisher {
  listener: AckListener
  token: string
  link: PublisherLink | null
}

export class RelayPublishers {
  private readonly publishers = new Map<number, Publisher>()
  private readonly drainWaiters: (() => void)[] = []
  private readonly cursor = new MessageCursor()
  private closed = false

  constructor(private readonly o: RelayOptions) {}

  get linkCount(): number {
    let n = 0
    for (const p of this.publishers.values()) if (p.link !== null) n++
    return n
  }

  newPublisherId(): number {
    return randomInt(1, 2 ** 48)
  }

  register(publisher: number, listener: AckListener): void {
    this.publishers.set(publisher, { listener, token: this.publishers.get(publisher)?.token ?? '', link: null })
  }

  unregister(publisher: number): void {
    const p = this.publishers.get(publisher)
    this.publishers.delete(publisher)
    p?.link?.close()
  }

  /** The token of the client that now publishes under `publisher`: its frames go upstream under it. */
  setToken(publisher: number, token: string): void {
    const p = this.publishers.get(publisher)
    if (p === undefined || p.token === token) return
    p.token = token
    const old = p.link
    if (old !== null) {
      p.link = this.openLink(publisher, p)
      old.handOver(p.link)
    }
  }

  offer(bytes: Uint8Array, offset: number, length: number, publisher: number, verdict?: Verdict): number {
    if (this.closed) return CLOSED
    const p = this.publishers.get(publisher)
    if (p === undefined) return CLOSED
    const c = this.cursor
    const count = c.reset(bytes, offset, length, verdict)
    if (count <= 0) return NOT_MESSAGE_FRAME
    let firstPseq = 0
    let lastPseq = 0
    while (c.next()) {
      if (c.publisher !== publisher) return BAD_PUBLISHER
      if (firstPseq === 0) firstPseq = c.pseq
      lastPseq = c.pseq
    }
    p.link ??= this.openLink(publisher, p)
    return p.link.offer(bytes, offset, length, count, firstPseq, lastPseq)
  }

  onDrain(cb: () => void): void {
    this.drainWaiters.push(cb)
  }

  close(): void {
    this.closed = true
    for (const p of this.publishers.values()) p.link?.close()
  }

  private openLink(publisher: number, p: Publisher): PublisherLink {
    return new PublisherLink({
      urls: this.o.upstream,
      publisher,
      token: p.token,
      listener: p.listener,
      logger: this.o.logger,
      maxQueuedBytes: this.o.publishQueueBytes,
      onDrain: () => {
        for (const f of this.drainWaiters.splice(0)) f()
      },
    })
  }
}
