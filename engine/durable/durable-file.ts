// The file that keeps durable subscriptions across restarts: <dataDir>/durables.state.
//
//   0        4        8        12       16
//   +--------+--------+--------+--------+------------------------------+
//   | magic  | version| length | crc32c | body: UTF-8 JSON, `length` B  |
//   +--------+--------+--------+--------+------------------------------+
//   crc32c over the body. Little-endian u32s.
//
// Why a whole-file snapshot and not a log of acks: the state is small (one record per
// durable subscription, whatever the message rate), and every save replaces it with
// write-to-temp, fdatasync, rename, fsync of the directory, so a crash leaves either the
// old file or the new one, never a torn one. Saves run off the main thread (fs.promises:
// libuv's pool) and coalesce: acks that arrive while one save runs go in the next (group
// commit), so a consumer acking every batch costs one fsync per save, not per ack.
// A file whose CRC or JSON is wrong is damage, not a crash: open refuses it and says so.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { crc32c } from '@node-rs/crc32'
import { EngineOptionError } from '../errors.js'

export const DURABLE_FILE = 'durables.state'
const MAGIC = 0x4f44_5342 // 'ODSB'
const VERSION = 1
const HEADER = 16

/** One durable subscription as stored. Gsns are numbers (exact up to 2^53). */
export interface StoredDurable {
  identity: string
  name: string
  /** Group ids (the ids the registry assigned; stable for the data directory). */
  groups: number[]
  ackPolicy: number
  ackWaitMs: number
  ackedGsn: number
  createdMs: number
  lastActiveMs: number
}

export function encodeDurables(list: readonly StoredDurable[]): Buffer {
  const body = Buffer.from(JSON.stringify({ durables: list }), 'utf8')
  const out = Buffer.alloc(HEADER + body.length)
  out.writeUInt32LE(MAGIC, 0)
  out.writeUInt32LE(VERSION, 4)
  out.writeUInt32LE(body.length, 8)
  out.writeUInt32LE(crc32c(body) >>> 0, 12)
  body.copy(out, HEADER)
  return out
}

/** Reads the file (none: an empty list). Throws EngineOptionError naming the damage. */
export function loadDurables(file: string): StoredDurable[] {
  if (!existsSync(file)) return []
  const bytes = readFileSync(file)
  const bad = (why: string): never => {
    throw new EngineOptionError(`durable subscriptions file is damaged: file=${file}, ${why}; restore it from a backup or remove it (every durable subscription is then forgotten)`)
  }
  if (bytes.length < HEADER) bad(`size=${bytes.length}, shorter than its header`)
  if (bytes.readUInt32LE(0) !== MAGIC) bad('magic does not match')
  if (bytes.readUInt32LE(4) !== VERSION) bad(`version=${bytes.readUInt32LE(4)}, expected ${VERSION}`)
  const length = bytes.readUInt32LE(8)
  if (HEADER + length !== bytes.length) bad(`length=${length}, file holds ${bytes.length - HEADER}`)
  const body = bytes.subarray(HEADER)
  if ((crc32c(body) >>> 0) !== bytes.readUInt32LE(12)) bad('crc32c does not match')
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch (err) {
    return bad(`body is not JSON: ${(err as Error).message}`)
  }
  const list = (parsed as { durables?: unknown }).durables
  if (!Array.isArray(list)) return bad('no durables list')
  for (const d of list as StoredDurable[]) {
    if (typeof d.identity !== 'string' || typeof d.name !== 'string' || !Array.isArray(d.groups) || !Number.isSafeInteger(d.ackedGsn)) bad(`bad record: ${JSON.stringify(d).slice(0, 200)}`)
  }
  return list as StoredDurable[]
}

/** Replaces the file crash-safely (temp file, fdatasync, rename, fsync of the directory). */
export async function saveDurables(file: string, bytes: Buffer): Promise<void> {
  const tmp = `${file}.tmp`
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(bytes)
    await fh.datasync()
  } finally {
    await fh.close()
  }
  await rename(tmp, file)
  // The rename is durable once the directory is: without this a power cut could bring the old file back.
  const dir = await open(dirname(file), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/** Synchronous save for close(): the last acks reach the disk before the engine says it closed. */
export function saveDurablesSync(file: string, bytes: Buffer): void {
  const tmp = `${file}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
  const dir = openSync(dirname(file), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}
