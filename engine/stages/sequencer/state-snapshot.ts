// Sequencer state snapshots: the last gseq of every group and each publisher's last
// pseq after gsn S, so a restart rebuilds its numbering from the snapshot plus a short
// journal scan instead of reading the whole journal (open time stays flat as the
// journal grows). A snapshot is a hint: one newer than the journal's recovered end (its
// tail was cut) or one that fails its CRC is ignored, and with none the scan starts at
// the oldest gsn, which is always correct, only slower.
//
//   0        4        8                16       20       24
//   +--------+--------+----------------+--------+--------+------------------------------+
//   | 'ORSQ' | ver 1  | gsn S (u64)    | groups | pubs   | groups x f64 gseq (index=id) |
//   +--------+--------+----------------+--------+--------+------------------------------+
//   | pubs x (f64 publisher, f64 last pseq)  | u32 crc32c of all bytes before it | pad  |
//   +----------------------------------------+-----------------------------------+------+
// Written to a temporary name, fsynced and renamed (a torn snapshot never has the final
// name); files are `seq-<20-digit gsn>.snap` in <dataDir>/state, the newest two kept.

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { crc32c } from '@node-rs/crc32'
import type { GseqTable } from './gseq-table.js'
import type { Dedupe } from './dedupe.js'

const MAGIC = 0x5153524f // 'ORSQ'
const VERSION = 1
const HEADER = 24
const KEEP = 2

export interface Snapshot {
  gsn: number
  gseqs: Float64Array
  publishers: Float64Array // pairs
}

function name(gsn: number): string {
  return `seq-${String(gsn).padStart(20, '0')}.snap`
}

export function writeSnapshot(dir: string, gsn: number, gseqs: GseqTable, dedupe: Dedupe): void {
  mkdirSync(dir, { recursive: true })
  const groups = gseqs.size
  const pubs = dedupe.publisherCount
  const body = HEADER + groups * 8 + pubs * 16
  const buf = Buffer.alloc(body + 8)
  buf.writeUInt32LE(MAGIC, 0)
  buf.writeUInt32LE(VERSION, 4)
  buf.writeUInt32LE(gsn >>> 0, 8)
  buf.writeUInt32LE(Math.floor(gsn / 2 ** 32), 12)
  buf.writeUInt32LE(groups, 16)
  buf.writeUInt32LE(pubs, 20)
  let p = HEADER
  for (let id = 0; id < groups; id++, p += 8) buf.writeDoubleLE(gseqs.get(id), p)
  dedupe.forEach((s) => {
    buf.writeDoubleLE(s.publisher, p)
    buf.writeDoubleLE(s.lastPseq, p + 8)
    p += 16
  })
  buf.writeUInt32LE(crc32c(buf.subarray(0, body)), body)
  const tmp = join(dir, `${name(gsn)}.tmp`)
  const fd = openSync(tmp, 'w')
  try {
    writeSync(fd, buf)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, join(dir, name(gsn)))
  // Keep the newest few (an older one is still useful if the newest is beyond a cut tail).
  const all = list(dir)
  for (const f of all.slice(0, Math.max(0, all.length - KEEP))) unlinkSync(join(dir, f))
}

function list(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names.filter((n) => /^seq-\d{20}\.snap$/.test(n)).sort()
}

/**
 * Deletes snapshots taken at a gsn the journal does not hold (it ends at lastGsn): they
 * describe messages that were sequenced but never written (a crash, or a disk that filled),
 * and those gsns will be given to other messages now. Kept, such a snapshot would be read
 * once the journal grows past its gsn again, with gseqs and pseqs of the lost messages.
 */
export function dropSnapshotsAbove(dir: string, lastGsn: number): number {
  let dropped = 0
  for (const f of list(dir)) {
    if (Number(f.slice(4, 24)) <= lastGsn) continue
    try {
      unlinkSync(join(dir, f))
      dropped++
    } catch {
      // gone already
    }
  }
  return dropped
}

/** The newest valid snapshot with gsn <= maxGsn, or null. */
export function readSnapshot(dir: string, maxGsn: number): Snapshot | null {
  const all = list(dir).reverse()
  for (const f of all) {
    const gsnFromName = Number(f.slice(4, 24))
    if (gsnFromName > maxGsn) continue
    let buf: Buffer
    try {
      buf = readFileSync(join(dir, f))
    } catch {
      continue
    }
    if (buf.length < HEADER + 8 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION) continue
    const gsn = buf.readUInt32LE(8) + buf.readUInt32LE(12) * 2 ** 32
    const groups = buf.readUInt32LE(16)
    const pubs = buf.readUInt32LE(20)
    const body = HEADER + groups * 8 + pubs * 16
    if (gsn !== gsnFromName || buf.length < body + 4) continue
    if (buf.readUInt32LE(body) !== crc32c(buf.subarray(0, body))) continue
    const gseqs = new Float64Array(groups)
    for (let id = 0; id < groups; id++) gseqs[id] = buf.readDoubleLE(HEADER + id * 8)
    const publishers = new Float64Array(pubs * 2)
    for (let k = 0; k < pubs * 2; k++) publishers[k] = buf.readDoubleLE(HEADER + groups * 8 + k * 8)
    return { gsn, gseqs, publishers }
  }
  return null
}
