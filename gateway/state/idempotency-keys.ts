// HTTP idempotency keys (`Idempotency-Key` header of POST /publish): each key
// an identity sends is mapped to one (publisher, pseq) of that identity's own
// HTTP publisher, so a retry is a resend the engine answers with the original
// gsn (G4). Keys are digested together with the identity, so two identities
// never share a key, and with a digest of the request's groups and payload, so
// a key reused for another request is refused instead of answered with the
// first one's gsn.
//
// A key is remembered until its identity has sent `window` newer keys: the
// engine's dedupe window, the last pseqs per publisher it can answer resends
// for. The mapping must be on disk before its message is offered (else a
// crash could leave a sequenced message whose key a retry no longer finds, and
// the retry would be sequenced again), so each new key is appended to
// `<data dir>/http-keys.log` and fdatasynced first; keys arriving together
// share one fdatasync. In memory mode the keys live in memory.
//
// http-keys.log record (64 bytes, see record-log.ts for the file header):
//   0                      32         40        48                 60       64
//   +----------------------+----------+---------+------------------+--------+
//   | key digest (SHA-256) | publisher| pseq    | content digest   | crc32c |
//   +----------------------+----------+---------+------------------+--------+
// A key that appears twice was moved to a new (publisher, pseq): the later
// record holds. Open drops what the window forgot and rewrites the file when
// most of it is forgotten.

import { createHash } from 'node:crypto'
import * as path from 'node:path'
import { RecordLog, sealRecord, type RecordLogFormat } from './record-log.js'

export const KEYS_FILE_NAME = 'http-keys.log'
export const KEYS_FORMAT: RecordLogFormat = Object.freeze({ magic: 0x4b44524f /* 'ORDK' */, version: 1, recordSize: 64 })
const R_KEY = 0
const R_PUBLISHER = 32
const R_PSEQ = 40
const R_CONTENT = 48
const CONTENT_BYTES = 12
const TWO_32 = 4294967296

export class KeyEntry {
  constructor(
    readonly digest: string,
    readonly identity: string,
    public publisher: number,
    public pseq: number,
    readonly content: string,
  ) {}
}

/** Keys of one identity, oldest first (a queue with a moving head). */
class KeyQueue {
  items: KeyEntry[] = []
  head = 0

  get size(): number {
    return this.items.length - this.head
  }

  push(e: KeyEntry): void {
    this.items.push(e)
  }

  shift(): KeyEntry {
    const e = this.items[this.head]!
    this.items[this.head++] = undefined as unknown as KeyEntry
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return e
  }
}

export class IdempotencyKeys {
  private readonly keys = new Map<string, KeyEntry>()
  private readonly byIdentity = new Map<string, KeyQueue>()

  private constructor(
    /** Keys remembered per identity (at least the engine's dedupe window). */
    readonly window: number,
    private readonly log: RecordLog | null,
  ) {}

  /**
   * Opens `<dir>/http-keys.log` (in memory when dir is null). `ownerOf` names
   * the identity of a publisher id (the bindings). Throws GatewayStateError.
   */
  static open(dir: string | null, window: number, ownerOf: (publisher: number) => string | undefined): IdempotencyKeys {
    if (dir === null) return new IdempotencyKeys(window, null)
    const records: KeyEntry[] = []
    const log = RecordLog.open(path.join(dir, KEYS_FILE_NAME), KEYS_FORMAT, (bytes, pos) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset)
      const digest = Buffer.from(bytes.buffer, bytes.byteOffset + pos + R_KEY, 32).toString('base64url')
      const publisher = v.getUint32(pos + R_PUBLISHER + 4, true) * TWO_32 + v.getUint32(pos + R_PUBLISHER, true)
      const pseq = v.getUint32(pos + R_PSEQ + 4, true) * TWO_32 + v.getUint32(pos + R_PSEQ, true)
      const content = Buffer.from(bytes.buffer, bytes.byteOffset + pos + R_CONTENT, CONTENT_BYTES).toString('base64url')
      records.push(new KeyEntry(digest, ownerOf(publisher) ?? '', publisher, pseq, content))
    })
    const k = new IdempotencyKeys(window, log)
    for (const r of records) {
      const known = k.keys.get(r.digest)
      if (known !== undefined) {
        known.publisher = r.publisher
        known.pseq = r.pseq
      } else k.remember(r)
    }
    const live = k.keys.size
    if (log.count > 2 * live + 4096) log.rewrite(k.encodeAll())
    return k
  }

  /** The digest naming `key` of `identity` (keys of different identities never meet). */
  static keyDigest(identity: string, key: string): string {
    return createHash('sha256').update(identity, 'utf8').update('\n', 'utf8').update(key, 'utf8').digest('base64url')
  }

  /** Digest of what a keyed request publishes: its groups, in order, and its payload. */
  static contentDigest(groups: readonly string[], payload: Uint8Array): string {
    return createHash('sha256').update(groups.join(','), 'utf8').update('\n', 'utf8').update(payload).digest().subarray(0, CONTENT_BYTES).toString('base64url')
  }

  get size(): number {
    return this.keys.size
  }

  get(digest: string): KeyEntry | undefined {
    return this.keys.get(digest)
  }

  /**
   * Remembers a new key (visible to get() at once, so a retry arriving
   * meanwhile finds it); `done` runs once it is on disk, or with the error (the
   * key is then forgotten again).
   */
  add(entry: KeyEntry, done: (err: Error | null) => void): void {
    this.remember(entry)
    this.write(entry, (err) => {
      if (err !== null && this.keys.get(entry.digest) === entry) this.keys.delete(entry.digest)
      done(err)
    })
  }

  /** Moves a known key to a new (publisher, pseq) (its first one was never sequenced); `done` once on disk. */
  move(entry: KeyEntry, publisher: number, pseq: number, done: (err: Error | null) => void): void {
    entry.publisher = publisher
    entry.pseq = pseq
    this.write(entry, done)
  }

  close(): void {
    this.log?.close()
  }

  private remember(e: KeyEntry): void {
    this.keys.set(e.digest, e)
    let q = this.byIdentity.get(e.identity)
    if (q === undefined) this.byIdentity.set(e.identity, (q = new KeyQueue()))
    q.push(e)
    while (q.size > this.window) {
      const old = q.shift()
      if (this.keys.get(old.digest) === old) this.keys.delete(old.digest)
    }
  }

  private write(e: KeyEntry, done: (err: Error | null) => void): void {
    if (this.log === null) {
      queueMicrotask(() => done(null))
      return
    }
    const rec = new Uint8Array(KEYS_FORMAT.recordSize)
    encode(e, rec, 0)
    this.log.append(rec, done)
  }

  private encodeAll(): Uint8Array {
    const live: KeyEntry[] = []
    for (const q of this.byIdentity.values()) {
      for (let i = q.head; i < q.items.length; i++) {
        const e = q.items[i]!
        if (this.keys.get(e.digest) === e) live.push(e)
      }
    }
    const out = new Uint8Array(live.length * KEYS_FORMAT.recordSize)
    for (let i = 0; i < live.length; i++) encode(live[i]!, out, i * KEYS_FORMAT.recordSize)
    return out
  }
}

function encode(e: KeyEntry, out: Uint8Array, pos: number): void {
  const v = new DataView(out.buffer, out.byteOffset)
  out.set(Buffer.from(e.digest, 'base64url'), pos + R_KEY)
  v.setUint32(pos + R_PUBLISHER, e.publisher >>> 0, true)
  v.setUint32(pos + R_PUBLISHER + 4, Math.floor(e.publisher / TWO_32), true)
  v.setUint32(pos + R_PSEQ, e.pseq >>> 0, true)
  v.setUint32(pos + R_PSEQ + 4, Math.floor(e.pseq / TWO_32), true)
  out.set(Buffer.from(e.content, 'base64url'), pos + R_CONTENT)
  sealRecord(out, pos, KEYS_FORMAT.recordSize)
}
