// The file operations the journal and the group registry use, as one small interface so
// tests can inject faults (ENOSPC on write, EIO on fsync) without a special file system.
// All calls are synchronous: the journal writer owns its worker thread, and replay readers
// run on threads (piscina workers) where blocking is the point.

import * as fs from 'node:fs'

export interface FileIo {
  openSync(path: string, flags: string, mode?: number): number
  closeSync(fd: number): void
  /** Positional write; returns bytes written (may be short). */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number
  /** Positional read; returns bytes read (0 at end of file). */
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number
  fsyncSync(fd: number): void
  fdatasyncSync(fd: number): void
  ftruncateSync(fd: number, length: number): void
  fstatSync(fd: number): fs.Stats
  statSync(path: string): fs.Stats
  readdirSync(path: string): string[]
  unlinkSync(path: string): void
  renameSync(from: string, to: string): void
  mkdirSync(path: string, options: { recursive: boolean }): void
  readFileSync(path: string): Buffer
}

/** The real file system. */
export const nodeFileIo: FileIo = {
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  closeSync: (fd) => fs.closeSync(fd),
  writeSync: (fd, buffer, offset, length, position) => fs.writeSync(fd, buffer, offset, length, position),
  readSync: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fstatSync: (fd) => fs.fstatSync(fd),
  statSync: (path) => fs.statSync(path),
  readdirSync: (path) => fs.readdirSync(path),
  unlinkSync: (path) => fs.unlinkSync(path),
  renameSync: (from, to) => fs.renameSync(from, to),
  mkdirSync: (path, options) => {
    fs.mkdirSync(path, options)
  },
  readFileSync: (path) => fs.readFileSync(path),
}

/** Writes all of [offset, offset+length) at `position`, looping over short writes. */
export function writeFully(
  io: FileIo,
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): void {
  let done = 0
  while (done < length) {
    const n = io.writeSync(fd, buffer, offset + done, length - done, position + done)
    // A zero-byte write with no error would loop forever; the kernel only does this on
    // a full device that did not say so, so report it as ENOSPC.
    if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'ENOSPC' })
    done += n
  }
}

/** Reads up to `length` bytes at `position`, looping over short reads; returns bytes read. */
export function readFully(
  io: FileIo,
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): number {
  let done = 0
  while (done < length) {
    const n = io.readSync(fd, buffer, offset + done, length - done, position + done)
    if (n <= 0) break
    done += n
  }
  return done
}

/**
 * fsync of a directory: makes a file creation, deletion or rename in it durable (POSIX
 * leaves the directory entry in the page cache otherwise, so a new segment could vanish
 * after power loss even though its own data was fsynced).
 */
export function fsyncDir(io: FileIo, dir: string): void {
  const fd = io.openSync(dir, 'r')
  try {
    io.fsyncSync(fd)
  } finally {
    io.closeSync(fd)
  }
}
