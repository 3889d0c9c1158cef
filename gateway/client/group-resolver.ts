// Group names to ids, cached for the client's life (ids are never reused, so a
// cached id never goes stale, across reconnects too). Names asked for in the
// same tick go out as one ResolveGroups; the server answers requests in order
// (Groups, or an Error with ref 0), so pending requests are a FIFO. Requests
// not answered when the connection drops are sent again on the next one.

import { encodeResolveGroups } from '../../codec/index.js'
import { groupNameProblemText } from '../../codec/group-name.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { ClientErrorCode, OrdoError } from './errors.js'

/** How the resolver and the subscriptions reach the server: control frames, sent at once when connected. */
export interface Link {
  readonly open: boolean
  /** The leader epoch the connected node reported in its Welcome (0n outside a cluster). */
  readonly epoch: bigint
  /** Sends a control frame (the transport copies or keeps it); false when not connected. */
  sendControl(frame: Uint8Array): boolean
}

interface Request {
  names: string[]
  /** Whether the server may create missing groups (ResolveGroups.create). */
  create: boolean
  sent: boolean
  waiters: { names: string[]; resolve: (ids: number[]) => void; reject: (e: Error) => void }[]
}

export class GroupResolver {
  private readonly ids = new Map<string, number>()
  private readonly names = new Map<number, string>()
  private readonly pending: Request[] = []
  private batch: Request | null = null
  /** The batch of lookups that must not create groups (subscribe with create: false). */
  private lookupBatch: Request | null = null

  constructor(private readonly link: Link) {}

  /** Cached id of a name, or undefined. */
  idOf(name: string): number | undefined {
    return this.ids.get(name)
  }

  nameOf(id: number): string | undefined {
    return this.names.get(id)
  }

  /**
   * Ids for names; missing groups are created unless `create` is false, in which case
   * the promise rejects with UNKNOWN_GROUP naming them. Also rejects with OrdoError
   * BAD_GROUP_NAME / FORBIDDEN_GROUP.
   */
  resolve(names: readonly string[], create = true): Promise<number[]> {
    for (const n of names) {
      const problem = groupNameProblemText(n)
      if (problem !== '') return Promise.reject(new OrdoError(ErrorCode.BAD_GROUP_NAME, problem))
    }
    const missing = names.filter((n) => !this.ids.has(n))
    if (missing.length === 0) return Promise.resolve(names.map((n) => this.ids.get(n)!))
    return new Promise((resolve, reject) => {
      let b = create ? this.batch : this.lookupBatch
      if (b === null) {
        b = { names: [], create, sent: false, waiters: [] }
        if (create) this.batch = b
        else this.lookupBatch = b
        this.pending.push(b)
        queueMicrotask(() => this.flushBatch())
      }
      for (const n of missing) if (!b.names.includes(n)) b.names.push(n)
      b.waiters.push({ names: [...names], resolve, reject })
    })
  }

  private flushBatch(): void {
    this.batch = null
    this.lookupBatch = null
    this.sendUnsent()
  }

  /** Sends requests not yet on this connection (after a reconnect: all pending). */
  sendUnsent(): void {
    if (!this.link.open) return
    for (const r of this.pending) {
      if (r.sent || r === this.batch || r === this.lookupBatch) continue
      r.sent = this.link.sendControl(encodeResolveGroups({ names: r.names, create: r.create }))
    }
  }

  /** The connection dropped: every pending request is resent on the next one. */
  connectionLost(): void {
    for (const r of this.pending) r.sent = false
  }

  /** A Groups frame: answers the oldest pending request. */
  onGroups(names: string[], ids: number[]): void {
    for (let i = 0; i < names.length; i++) {
      if (ids[i]! > 0) {
        this.ids.set(names[i]!, ids[i]!)
        this.names.set(ids[i]!, names[i]!)
      }
    }
    const r = this.pending.findIndex((p) => p.sent)
    if (r < 0) return
    const req = this.pending.splice(r, 1)[0]!
    for (const w of req.waiters) {
      const out = w.names.map((n) => this.ids.get(n))
      const missing = w.names.filter((n) => this.ids.get(n) === undefined)
      if (missing.length > 0) {
        w.reject(
          req.create
            ? new OrdoError(ErrorCode.UNKNOWN_GROUP, `group not created: names=${missing.join(',')}`)
            : new OrdoError(ErrorCode.UNKNOWN_GROUP, `unknown group: names=${missing.join(',')} (nothing has created it yet: publish to it first, or check the name)`),
        )
      }
      else w.resolve(out as number[])
    }
  }

  /** An Error with ref 0 about names: refuses the oldest pending request. Returns whether one was pending. */
  onRefused(err: OrdoError): boolean {
    const r = this.pending.findIndex((p) => p.sent)
    if (r < 0) return false
    const req = this.pending.splice(r, 1)[0]!
    for (const w of req.waiters) w.reject(err)
    return true
  }

  failAll(err: Error): void {
    for (const r of this.pending.splice(0)) for (const w of r.waiters) w.reject(err)
    this.batch = null
    this.lookupBatch = null
  }

  get pendingCount(): number {
    return this.pending.length
  }
}

export const closedError = (): OrdoError => new OrdoError(ClientErrorCode.CLOSED, 'client closed')
