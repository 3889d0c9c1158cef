// The relay's copy of the upstream's group table: names and ids it has seen,
// fetched with ResolveGroups over the control link (by name, or by id for a
// client that brings ids cached from another relay). Ids are the root's: every
// relay of a tree and the root agree on them, since messages carry ids only.
// Requests are answered in order by the upstream (Groups, or an Error with
// ref 0), so pending requests form a FIFO; after a reconnect the unanswered
// ones are sent again.

import { encodeResolveGroups } from '../../codec/index.js'

interface Request {
  names: string[]
  ids: number[]
  create: boolean
  settle: (err: Error | null) => void
}

export class GroupTable {
  private readonly idOf = new Map<string, number>()
  private readonly nameOf = new Map<number, string>()
  private readonly pending: Request[] = []

  constructor(private readonly send: (frame: Uint8Array) => boolean) {}

  get size(): number {
    return this.idOf.size
  }

  id(name: string): number | undefined {
    return this.idOf.get(name)
  }

  name(id: number): string | undefined {
    return this.nameOf.get(id)
  }

  /** Every (id, name) held. */
  entries(): IterableIterator<[number, string]> {
    return this.nameOf.entries()
  }

  /** Null when every name and id is held; else a promise settled once the upstream answered. */
  lookup(names: readonly string[], ids: readonly number[], create: boolean): Promise<void> | null {
    const missingNames = names.filter((n) => !this.idOf.has(n))
    const missingIds = ids.filter((id) => id > 0 && !this.nameOf.has(id))
    if (missingNames.length === 0 && missingIds.length === 0) return null
    return new Promise<void>((resolve, reject) => {
      const r: Request = { names: [...new Set(missingNames)], ids: [...new Set(missingIds)], create, settle: (err) => (err === null ? resolve() : reject(err)) }
      this.pending.push(r)
      this.send(requestFrame(r))
    })
  }

  /** Groups answer to the oldest request. */
  onGroups(names: readonly string[], ids: readonly number[]): void {
    for (let i = 0; i < names.length && i < ids.length; i++) {
      const id = ids[i]!
      const name = names[i]!
      if (id > 0 && name !== '') {
        this.idOf.set(name, id)
        this.nameOf.set(id, name)
      }
    }
    this.pending.shift()?.settle(null)
  }

  /** Error answer (ref 0) to the oldest request. True when a request was waiting for it. */
  onRefused(message: string): boolean {
    const r = this.pending.shift()
    if (r === undefined) return false
    r.settle(new Error(`upstream refused the group lookup: ${message}`))
    return true
  }

  /** After a reconnect: ask again what the old connection left unanswered. */
  resend(): void {
    for (const r of this.pending) this.send(requestFrame(r))
  }

  /** The relay is closing: fail what waits. */
  failAll(why: string): void {
    for (const r of this.pending.splice(0)) r.settle(new Error(why))
  }
}

function requestFrame(r: Request): Uint8Array {
  return encodeResolveGroups({ names: r.names, create: r.create, ids: r.ids })
}
