// Shared helpers for the journal tests: temp dirs, seeded batches, reading everything back,
// and a fault-injecting FileIo.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type FileIo, Journal, type JournalOptions, nodeFileIo, openReader } from '../../../engine/journal/index.js'

/** A fresh directory under os.tmpdir(); remove it with cleanup(). */
export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ordo-journal-${tag}-`))
}

export function cleanup(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}

/** Seed from ORDO_SEED or the clock; printed by the caller on failure. */
export function pickSeed(): number {
  const env = process.env.ORDO_SEED
  return env !== undefined ? Number(env) : (Date.now() ^ (process.pid << 8)) >>> 0
}

/** mulberry32: small, fast, seeded PRNG (Tommy Ettinger's public-domain generator). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Batch {
  firstGsn: number
  count: number
  bytes: Uint8Array
}

/** 1 MiB of fixed pseudo-random bytes that batch contents are cut from (cheap to make). */
const POOL_BYTES = 1 << 20
const POOL = (() => {
  const p = new Uint8Array(POOL_BYTES)
  let x = 0x9e3779b9
  for (let i = 0; i < POOL_BYTES; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    p[i] = x & 255
  }
  return p
})()

/**
 * Deterministic batch content: bytes depend on (firstGsn, length) only, so a test (or a
 * reader in another thread or process) can recompute what any record must hold.
 */
export function makeBatch(firstGsn: number, count: number, length: number): Batch {
  if (length > POOL_BYTES / 2) throw new Error(`makeBatch: length ${length} too large for the pool`)
  const start = Math.imul(firstGsn, 2654435761) >>> 0
  const from = start % (POOL_BYTES - length)
  return { firstGsn, count, bytes: POOL.slice(from, from + length) }
}

/** Appends `n` random batches starting at j.nextGsn; returns them. Syncs every `syncEvery`. */
export function appendRandom(
  j: Journal,
  rand: () => number,
  n: number,
  opts: { maxLength?: number; maxCount?: number; syncEvery?: number; anyLength?: boolean } = {},
): Batch[] {
  const out: Batch[] = []
  const maxLength = opts.maxLength ?? 2048
  const maxCount = opts.maxCount ?? 20
  for (let i = 0; i < n; i++) {
    let length = Math.floor(rand() * maxLength)
    if (!opts.anyLength) length &= ~7
    const count = 1 + Math.floor(rand() * maxCount)
    const b = makeBatch(j.nextGsn, count, length)
    j.append(b.bytes, 0, length, b.firstGsn, count)
    out.push(b)
    if (opts.syncEvery !== undefined && (i + 1) % opts.syncEvery === 0) j.sync()
  }
  return out
}

export interface ReadRecord {
  firstGsn: number
  count: number
  bytes: Uint8Array
}

/** Every record from `fromGsn` to the end (copies). */
export function readAll(dir: string, fromGsn = 1, limitGsn?: number): ReadRecord[] {
  const r = openReader(dir, fromGsn, limitGsn === undefined ? {} : { limitGsn })
  const out: ReadRecord[] = []
  try {
    for (let v = r.next(); v !== null; v = r.next()) {
      out.push({ firstGsn: v.firstGsn, count: v.count, bytes: v.bytes.slice(v.offset, v.offset + v.length) })
    }
  } finally {
    r.close()
  }
  return out
}

/** Asserts-free comparison helper: index of the first differing record, or -1. */
export function firstDifference(expected: readonly Batch[], actual: readonly ReadRecord[]): number {
  const n = Math.max(expected.length, actual.length)
  for (let i = 0; i < n; i++) {
    const e = expected[i]
    const a = actual[i]
    if (e === undefined || a === undefined) return i
    if (e.firstGsn !== a.firstGsn || e.count !== a.count || !Buffer.from(e.bytes).equals(Buffer.from(a.bytes))) return i
  }
  return -1
}

/** Segment files in `dir`, sorted. */
export function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort()
}

export function openJournal(dir: string, extra: Partial<JournalOptions> = {}): Journal {
  return Journal.open({ dir, segmentBytes: 64 * 1024, indexEveryBytes: 4096, writeBufferBytes: 32 * 1024, ...extra })
}

export type FaultOp = 'write' | 'fsync' | 'fdatasync'

/**
 * A FileIo that behaves like node:fs until armed, then fails the chosen operation on
 * segment files with the given errno. `failAfterBytes` lets a write go through partially
 * (a short write, then the error), like a disk filling up mid-write.
 */
export class FaultyIo implements FileIo {
  armed: { op: FaultOp; code: string; failAfterBytes?: number } | null = null
  failures = 0
  private readonly segFds = new Set<number>()

  openSync(p: string, flags: string, mode?: number): number {
    const fd = nodeFileIo.openSync(p, flags, mode)
    if (p.endsWith('.seg')) this.segFds.add(fd)
    return fd
  }
  closeSync(fd: number): void {
    this.segFds.delete(fd)
    nodeFileIo.closeSync(fd)
  }
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const a = this.armed
    if (a !== null && a.op === 'write' && this.segFds.has(fd)) {
      const allowed = a.failAfterBytes ?? 0
      if (allowed > 0) {
        a.failAfterBytes = 0
        return nodeFileIo.writeSync(fd, buffer, offset, Math.min(length, allowed), position)
      }
      this.failures++
      throw errnoError(a.code, 'write')
    }
    return nodeFileIo.writeSync(fd, buffer, offset, length, position)
  }
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    return nodeFileIo.readSync(fd, buffer, offset, length, position)
  }
  fsyncSync(fd: number): void {
    if (this.armed?.op === 'fsync' && this.segFds.has(fd)) {
      this.failures++
      throw errnoError(this.armed.code, 'fsync')
    }
    nodeFileIo.fsyncSync(fd)
  }
  fdatasyncSync(fd: number): void {
    if ((this.armed?.op === 'fsync' || this.armed?.op === 'fdatasync') && this.segFds.has(fd)) {
      this.failures++
      throw errnoError(this.armed.code, 'fdatasync')
    }
    nodeFileIo.fdatasyncSync(fd)
  }
  ftruncateSync(fd: number, length: number): void {
    nodeFileIo.ftruncateSync(fd, length)
  }
  fstatSync(fd: number): fs.Stats {
    return nodeFileIo.fstatSync(fd)
  }
  statSync(p: string): fs.Stats {
    return nodeFileIo.statSync(p)
  }
  readdirSync(p: string): string[] {
    return nodeFileIo.readdirSync(p)
  }
  unlinkSync(p: string): void {
    nodeFileIo.unlinkSync(p)
  }
  renameSync(from: string, to: string): void {
    nodeFileIo.renameSync(from, to)
  }
  mkdirSync(p: string, options: { recursive: boolean }): void {
    nodeFileIo.mkdirSync(p, options)
  }
  readFileSync(p: string): Buffer {
    return nodeFileIo.readFileSync(p)
  }
}

function errnoError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: injected ${syscall} failure`), { code, syscall })
}

/** A message naming the seed, for assertion failures in randomized tests. */
export function seedNote(seed: number): string {
  return `seed=${seed} (rerun with ORDO_SEED=${seed})`
}
