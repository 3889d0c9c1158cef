// Upstream frames held while the relay learns the names of group ids it has not
// seen. A Deliver frame naming such ids is held, with every later frame that
// concerns subscriptions, until their names are in, so that the relay can name
// every group its clients receive (GET /api/groups, ordo tail) by the time they
// receive it; the answer to the lookup itself (Groups, or an Error without a
// subscription) is not held. Once per new group id: an id asked for is never
// held for again, whatever the answer.

import { BodyType, decodeFrame, MessageCursor, type Verdict } from '../../codec/index.js'
import type { GroupTable } from './group-table.js'

interface Held {
  type: number
  bytes: Uint8Array
}

export class NameHold {
  private held: Held[] | null = null
  private readonly asked = new Set<number>()
  private readonly cursor = new MessageCursor()

  constructor(
    private readonly groups: GroupTable,
    /** Handles a frame that is not (or no longer) held. */
    private readonly handle: (type: number, bytes: Uint8Array, verdict: Verdict | undefined) => void,
  ) {}

  /** Takes an upstream frame: handled now, or held (in order) behind a lookup. */
  offer(type: number, bytes: Uint8Array, verdict: Verdict | undefined): void {
    if (this.held !== null && (type === BodyType.Deliver || (type === BodyType.Error && errorSubscription(bytes) !== 0))) {
      this.held.push({ type, bytes })
      return
    }
    if (type === BodyType.Deliver && this.startHold(bytes, verdict)) return
    this.handle(type, bytes, verdict)
  }

  private startHold(bytes: Uint8Array, verdict: Verdict | undefined): boolean {
    const c = this.cursor
    if (c.reset(bytes, 0, bytes.length, verdict) <= 0) return false
    let unknown: number[] | null = null
    while (c.next()) {
      for (let i = 0, n = c.groupCount; i < n; i++) {
        const g = c.group(i)
        if (this.groups.name(g) === undefined && !this.asked.has(g)) {
          this.asked.add(g)
          ;(unknown ??= []).push(g)
        }
      }
    }
    if (unknown === null) return false
    const wait = this.groups.lookup([], unknown, false)
    if (wait === null) return false
    this.held = [{ type: BodyType.Deliver, bytes }]
    const drain = () => this.drain()
    wait.then(drain, drain)
    return true
  }

  private drain(): void {
    const frames = this.held ?? []
    this.held = null
    for (let i = 0; i < frames.length; i++) {
      // A frame handled here may have started another hold: the rest waits behind it.
      const again = this.held as Held[] | null
      if (again !== null) {
        again.push(...frames.slice(i))
        return
      }
      this.offer(frames[i]!.type, frames[i]!.bytes, undefined)
    }
  }
}

function errorSubscription(bytes: Uint8Array): number {
  const f = decodeFrame(bytes)
  return f.type === 'Error' ? (f.subscription ?? 0) : 0
}
