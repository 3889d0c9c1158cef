// Which identity (gateway/auth/identity.ts) owns each publisher id. A publisher
// id belongs to the first identity that uses it (Hello{publisher: X}, POST
// /publish with "publisher": X) or that the server assigns it to (Hello with
// publisher 0): no other identity can publish under it, take it over, or have
// its resends answered for it (G4).
//
// The engine remembers every publisher's pseqs across restarts (dedupe state),
// so the bindings must outlive restarts too: each is appended to
// `<data dir>/publishers.log` and fdatasynced before the first message under
// the id is offered to the engine (persist()). A binding nobody published
// under is held in memory only, while a connection holds it, and forgotten
// when the last holder goes: nothing was sequenced under it, so there is
// nothing to protect. In memory mode (no data directory) everything is in memory.
//
// publishers.log record (48 bytes, see record-log.ts for the file header):
//   0          8                              40        44       48
//   +----------+------------------------------+---------+--------+
//   | publisher| identity digest (SHA-256)    | reserved| crc32c |
//   +----------+------------------------------+---------+--------+

import * as path from 'node:path'
import { identityBytes, identityFromBytes } from '../auth/identity.js'
import { RecordLog, sealRecord, type RecordLogFormat } from './record-log.js'

export const PUBLISHERS_FILE_NAME = 'publishers.log'
export const PUBLISHERS_FORMAT: RecordLogFormat = Object.freeze({ magic: 0x4244524f /* 'ORDB' */, version: 1, recordSize: 48 })
const R_PUBLISHER = 0
const R_IDENTITY = 8

const TWO_32 = 4294967296

interface Binding {
  readonly identity: string
  /** Published under: on disk (publishers.log), or in memory mode kept for the server's life. */
  durable: boolean
  /** Connections and HTTP publishers holding a binding that is not durable yet. */
  holders: number
}

export class PublisherBindings {
  private readonly bindings = new Map<number, Binding>()

  private constructor(private readonly log: RecordLog | null) {}

  /** Opens `<dir>/publishers.log` (created if missing), or in-memory bindings when dir is null. Throws GatewayStateError. */
  static open(dir: string | null): PublisherBindings {
    if (dir === null) return new PublisherBindings(null)
    const found: [number, string][] = []
    const log = RecordLog.open(path.join(dir, PUBLISHERS_FILE_NAME), PUBLISHERS_FORMAT, (bytes, pos) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset)
      const publisher = v.getUint32(pos + R_PUBLISHER + 4, true) * TWO_32 + v.getUint32(pos + R_PUBLISHER, true)
      found.push([publisher, identityFromBytes(bytes.subarray(pos + R_IDENTITY, pos + R_IDENTITY + 32))])
    })
    const b = new PublisherBindings(log)
    // A publisher appears once: it is written only while unbound on disk.
    for (const [publisher, identity] of found) b.bindings.set(publisher, { identity, durable: true, holders: 0 })
    return b
  }

  /** Bindings known (durable or held). */
  get size(): number {
    return this.bindings.size
  }

  /** The identity owning a publisher id, or undefined when it is free. */
  ownerOf(publisher: number): string | undefined {
    return this.bindings.get(publisher)?.identity
  }

  /**
   * Takes hold of `publisher` for `identity`: true when it is free (it is bound
   * now) or already the identity's; false when another identity owns it.
   * Every true answer is paired with one release() by the holder.
   */
  claim(publisher: number, identity: string): boolean {
    const b = this.bindings.get(publisher)
    if (b === undefined) {
      this.bindings.set(publisher, { identity, durable: false, holders: 1 })
      return true
    }
    if (b.identity !== identity) return false
    b.holders++
    return true
  }

  /** A new publisher id for `identity`, held like claim(): ids from `fresh()` until one is free. */
  assign(identity: string, fresh: () => number): number {
    for (;;) {
      const id = fresh()
      if (id > 0 && Number.isSafeInteger(id) && this.claim(id, identity)) return id
    }
  }

  /** Whether the binding is kept for good (on disk; in memory mode, for the server's life). */
  isDurable(publisher: number): boolean {
    return this.bindings.get(publisher)?.durable === true
  }

  /**
   * Makes the binding of `publisher` durable (append + fdatasync) unless it is.
   * Call before the first message under the id is offered. Throws
   * GatewayStateError (the binding then stays held in memory only).
   */
  persist(publisher: number): void {
    const b = this.bindings.get(publisher)
    if (b === undefined) throw new Error(`persist of an unbound publisher: publisher=${publisher}`)
    if (b.durable) return
    if (this.log === null) {
      b.durable = true // memory mode: kept for the server's life
      return
    }
    const rec = new Uint8Array(PUBLISHERS_FORMAT.recordSize)
    const v = new DataView(rec.buffer)
    v.setUint32(R_PUBLISHER, publisher >>> 0, true)
    v.setUint32(R_PUBLISHER + 4, Math.floor(publisher / TWO_32), true)
    rec.set(identityBytes(b.identity), R_IDENTITY)
    sealRecord(rec, 0, PUBLISHERS_FORMAT.recordSize)
    this.log!.appendSync(rec)
    b.durable = true
  }

  /** A holder lets go; a binding that never became durable is forgotten with its last holder. */
  release(publisher: number, identity: string): void {
    const b = this.bindings.get(publisher)
    if (b === undefined || b.identity !== identity) return
    if (b.holders > 0) b.holders--
    if (b.holders === 0 && !b.durable) this.bindings.delete(publisher)
  }

  close(): void {
    this.log?.close()
  }
}
