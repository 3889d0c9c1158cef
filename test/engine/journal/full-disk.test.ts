// A really full disk: a 256 KiB tmpfs (we run as root in CI; if mounting is refused, a
// FileIo that enforces the same 256 KiB quota stands in, and the test says so). Appending
// until the device is full must end in JOURNAL_IO/ENOSPC with syncedGsn unchanged, and the
// journal must reopen on the still-full device serving every synced record.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { type FileIo, JournalIoError, nodeFileIo } from '../../../engine/journal/index.js'
import { type Batch, cleanup, firstDifference, makeBatch, openJournal, pickSeed, readAll, rng, seedNote, tempDir } from './helpers.js'

const DEVICE_BYTES = 256 * 1024

/** Emulated device: ENOSPC once the files written in `dir` would exceed the quota. */
class QuotaIo implements FileIo {
  private readonly sizes = new Map<number, string>()
  constructor(private readonly dir: string) {}
  private used(): number {
    let total = 0
    for (const n of fs.readdirSync(this.dir)) total += Math.ceil(fs.statSync(path.join(this.dir, n)).size / 4096) * 4096
    return total
  }
  openSync(p: string, flags: string, mode?: number): number {
    const fd = nodeFileIo.openSync(p, flags, mode)
    this.sizes.set(fd, p)
    return fd
  }
  closeSync(fd: number): void {
    this.sizes.delete(fd)
    nodeFileIo.closeSync(fd)
  }
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const size = fs.fstatSync(fd).size
    const grow = Math.max(0, position + length - size)
    const room = DEVICE_BYTES - this.used()
    if (grow > room) {
      if (room <= 0) throw Object.assign(new Error('ENOSPC: quota'), { code: 'ENOSPC' })
      return nodeFileIo.writeSync(fd, buffer, offset, Math.max(1, length - grow + room), position)
    }
    return nodeFileIo.writeSync(fd, buffer, offset, length, position)
  }
  readSync = nodeFileIo.readSync
  fsyncSync = nodeFileIo.fsyncSync
  fdatasyncSync = nodeFileIo.fdatasyncSync
  ftruncateSync = nodeFileIo.ftruncateSync
  fstatSync = nodeFileIo.fstatSync
  statSync = nodeFileIo.statSync
  readdirSync = nodeFileIo.readdirSync
  unlinkSync = nodeFileIo.unlinkSync
  renameSync = nodeFileIo.renameSync
  mkdirSync = nodeFileIo.mkdirSync
  readFileSync = nodeFileIo.readFileSync
}

function tryMountTmpfs(dir: string): boolean {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DEVICE_BYTES}`, 'tmpfs', dir], { encoding: 'utf8' })
  return r.status === 0
}

test('a full device: ENOSPC, nothing more durable, reopen on the full device', () => {
  const seed = pickSeed()
  const rand = rng(seed)
  const base = tempDir('fulldisk')
  // ORDO_JOURNAL_NO_TMPFS=1 exercises the fallback on a machine where mounting works.
  const mounted = process.env.ORDO_JOURNAL_NO_TMPFS === undefined && tryMountTmpfs(base)
  const dir = path.join(base, 'journal')
  try {
    fs.mkdirSync(dir)
    const io = mounted ? nodeFileIo : new QuotaIo(dir)
    if (!mounted) process.stdout.write('# tmpfs mount refused: using a 256 KiB quota FileIo instead\n')
    const opts = { io, segmentBytes: 48 * 1024, writeBufferBytes: 8192 }
    const j = openJournal(dir, opts)
    const batches: Batch[] = []
    let failure: unknown = null
    let syncedBefore = 0
    for (let i = 0; i < 2000 && failure === null; i++) {
      syncedBefore = j.syncedGsn
      const length = 8 * Math.floor(rand() * 400)
      const b = makeBatch(j.nextGsn, 1 + Math.floor(rand() * 5), length)
      try {
        j.append(b.bytes, 0, length, b.firstGsn, b.count)
        batches.push(b)
        if (rand() < 0.25) j.sync()
      } catch (err) {
        failure = err
      }
    }
    const where = `mounted=${mounted}; ${seedNote(seed)}`
    assert.ok(failure instanceof JournalIoError, `${String(failure)}; ${where}`)
    assert.equal(failure.errno, 'ENOSPC', where)
    assert.equal(j.syncedGsn, syncedBefore)
    assert.ok(syncedBefore > 100, `only ${syncedBefore} gsns synced before the device filled; ${where}`)
    j.close()
    // Reopen on the same, still nearly full device: every synced record is there, and
    // what reads back is a prefix of what was appended (nothing is cut on a fault).
    const j2 = openJournal(dir, opts)
    assert.ok(j2.nextGsn >= syncedBefore + 1, `${JSON.stringify(j2.recovery)}; ${where}`)
    j2.close()
    const back = readAll(dir)
    assert.equal(firstDifference(batches.slice(0, back.length), back), -1, where)
  } finally {
    if (mounted) spawnSync('umount', [base])
    cleanup(base)
  }
})
