// An append-only file of fixed-size records, each with its own CRC32C: the
// format of the gateway's state files (publisher-bindings.ts, idempotency-keys.ts).
//
//   file header (16 bytes)
//   0        4        8        12       16
//   +--------+--------+--------+--------+
//   | magic  | version| rec size| crc32c |      crc32c over [0, 12)
//   +--------+--------+--------+--------+
//
//   record (recordSize bytes, a multiple of 4), back to back
//   0                               size-4   size
//   +-------------------------------+--------+
//   | data (owner's layout)         | crc32c |      crc32c over [0, size-4)
//   +-------------------------------+--------+
//
// Crash safety, as for the group registry: a record is on disk (fdatasync)
// before its owner relies on it, so only the last record can be torn by a
// crash; on open a torn last record (short, or its CRC wrong) is cut. A bad
// record followed by good ones is damage, not a crash: open refuses the file
// rather than drop a record in the middle. The file is created (and compacted)
// as a temporary file, fsynced and renamed over, so a header is never torn.
// Appends are serialized: sync ones block (rare writes), async ones run on
// libuv's threads and call back once fdatasync returned.

import * as fs from 'node:fs'
import * as path from 'node:path'
import { crc32c } from '@node-rs/crc32'
import { GatewayStateError } from './state-errors.js'

export const RECORD_LOG_HEADER_BYTES = 16
const H_MAGIC = 0
const H_VERSION = 4
const H_RECORD_SIZE = 8
const H_CRC = 12

function crcOf(bytes: Uint8Array, start: number, end: number): number {
  return crc32c(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start)) >>> 0
}

export interface RecordLogFormat {
  /** u32 magic of the file kind. */
  readonly magic: number
  readonly version: number
  /** Bytes per record, CRC included (multiple of 4, >= 8). */
  readonly recordSize: number
}

/** Fills the CRC of the record at `pos` (its data must be written). */
export function sealRecord(bytes: Uint8Array, pos: number, recordSize: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(pos + recordSize - 4, crcOf(bytes, pos, pos + recordSize - 4), true)
}

export class RecordLog {
  /** Records cut from the tail on open (torn by a crash). */
  readonly cutBytes: number
  private fd: number
  private size: number
  private writing = false
  private readonly queue: { bytes: Uint8Array; done: (err: Error | null) => void }[] = []
  private closed = false

  private constructor(
    readonly file: string,
    private readonly format: RecordLogFormat,
    fd: number,
    size: number,
    cutBytes: number,
  ) {
    this.fd = fd
    this.size = size
    this.cutBytes = cutBytes
  }

  /**
   * Opens (or creates) the log and hands every valid record to `onRecord`
   * (bytes valid during the call), in file order. Throws GatewayStateError.
   */
  static open(file: string, format: RecordLogFormat, onRecord: (bytes: Uint8Array, pos: number) => void): RecordLog {
    let bytes: Buffer | null = null
    try {
      bytes = fs.readFileSync(file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(file, 'read', err)
    }
    if (bytes === null || bytes.length < RECORD_LOG_HEADER_BYTES) {
      writeFresh(file, format, new Uint8Array(0))
      return new RecordLog(file, format, openAppend(file), RECORD_LOG_HEADER_BYTES, 0)
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (view.getUint32(H_MAGIC, true) !== format.magic || view.getUint32(H_CRC, true) !== crcOf(bytes, 0, H_CRC)) {
      throw new GatewayStateError('STATE_CORRUPT', file, `bad state file header: file=${file}; restore it from a backup or move it away (what it recorded is then forgotten)`)
    }
    if (view.getUint32(H_VERSION, true) !== format.version || view.getUint32(H_RECORD_SIZE, true) !== format.recordSize) {
      throw new GatewayStateError(
        'STATE_CORRUPT',
        file,
        `unsupported state file: file=${file}, version=${view.getUint32(H_VERSION, true)}, record_size=${view.getUint32(H_RECORD_SIZE, true)}, expected version=${format.version}, record_size=${format.recordSize}`,
      )
    }
    const rs = format.recordSize
    let pos = RECORD_LOG_HEADER_BYTES
    while (pos + rs <= bytes.length) {
      if (view.getUint32(pos + rs - 4, true) !== crcOf(bytes, pos, pos + rs - 4)) {
        if (pos + rs === bytes.length) break // the last record, torn by a crash
        throw new GatewayStateError('STATE_CORRUPT', file, `damaged record in a state file: file=${file}, offset=${pos}; restore it from a backup or move it away (what it recorded is then forgotten)`)
      }
      onRecord(bytes, pos)
      pos += rs
    }
    const fd = openAppend(file)
    if (pos < bytes.length) {
      try {
        fs.ftruncateSync(fd, pos)
        fs.fsyncSync(fd)
      } catch (err) {
        fs.closeSync(fd)
        throw ioError(file, 'truncate a torn tail', err)
      }
    }
    return new RecordLog(file, format, fd, pos, bytes.length - pos)
  }

  /** Records in the file. */
  get count(): number {
    return (this.size - RECORD_LOG_HEADER_BYTES) / this.format.recordSize
  }

  /** Appends sealed records and fdatasyncs before returning. Throws GatewayStateError. */
  appendSync(records: Uint8Array): void {
    if (this.closed) throw new GatewayStateError('STATE_IO', this.file, `state file closed: file=${this.file}`)
    if (this.writing || this.queue.length > 0) {
      // An async append is on its way: a sync one must not interleave with it.
      throw new GatewayStateError('STATE_IO', this.file, `state file busy: file=${this.file}`)
    }
    try {
      writeAll(this.fd, records, this.size)
      fs.fdatasyncSync(this.fd)
    } catch (err) {
      this.cutBack()
      throw ioError(this.file, 'append', err)
    }
    this.size += records.length
  }

  /** Appends sealed records; `done` runs once they are on disk (fdatasync) or failed. */
  append(records: Uint8Array, done: (err: Error | null) => void): void {
    if (this.closed) {
      done(new GatewayStateError('STATE_IO', this.file, `state file closed: file=${this.file}`))
      return
    }
    this.queue.push({ bytes: records, done })
    if (!this.writing) this.writeNext()
  }

  /** Whether async appends are on their way. */
  get busy(): boolean {
    return this.writing || this.queue.length > 0
  }

  /** Replaces the whole file by these records (compaction). Throws GatewayStateError. */
  rewrite(records: Uint8Array): void {
    if (this.busy) throw new GatewayStateError('STATE_IO', this.file, `state file busy: file=${this.file}`)
    writeFresh(this.file, this.format, records)
    const old = this.fd
    this.fd = openAppend(this.file)
    this.size = RECORD_LOG_HEADER_BYTES + records.length
    fs.closeSync(old)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    const pending = this.queue.splice(0)
    for (const p of pending) p.done(new GatewayStateError('STATE_IO', this.file, `state file closed before the write: file=${this.file}`))
    if (!this.writing) this.closeFd()
  }

  private closeFd(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      // Every record was fdatasynced when written.
    }
  }

  private writeNext(): void {
    const batch = this.queue.splice(0)
    if (batch.length === 0 || this.closed) {
      if (this.closed) this.closeFd()
      return
    }
    this.writing = true
    let total = 0
    for (const b of batch) total += b.bytes.length
    const bytes = new Uint8Array(total)
    let p = 0
    for (const b of batch) {
      bytes.set(b.bytes, p)
      p += b.bytes.length
    }
    const at = this.size
    const finish = (err: Error | null): void => {
      this.writing = false
      if (err === null) this.size = at + total
      else this.cutBack()
      const e = err === null ? null : ioError(this.file, 'append', err)
      for (const b of batch) b.done(e)
      this.writeNext()
    }
    writeAllAsync(this.fd, bytes, at, (err) => {
      if (err !== null) return finish(err)
      fs.fdatasync(this.fd, (e) => finish(e ?? null))
    })
  }

  /** After a failed write: cut whatever part of it landed, so the next record starts on a boundary. */
  private cutBack(): void {
    try {
      fs.ftruncateSync(this.fd, this.size)
    } catch {
      // Open cuts a torn last record anyway.
    }
  }
}

function ioError(file: string, what: string, err: unknown): GatewayStateError {
  const m = err instanceof Error ? err.message : String(err)
  return new GatewayStateError('STATE_IO', file, `cannot ${what} a state file: file=${file}, ${m}`, { cause: err })
}

function openAppend(file: string): number {
  try {
    return fs.openSync(file, 'r+')
  } catch (err) {
    throw ioError(file, 'open', err)
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done)
}

function writeAllAsync(fd: number, bytes: Uint8Array, position: number, cb: (err: Error | null) => void): void {
  let done = 0
  const step = (): void => {
    if (done === bytes.length) return cb(null)
    fs.write(fd, bytes, done, bytes.length - done, position + done, (err, n) => {
      if (err !== null) return cb(err)
      done += n
      step()
    })
  }
  step()
}

/** Writes header + records to a temporary file, fsyncs it, renames it over `file` and fsyncs the directory. */
function writeFresh(file: string, format: RecordLogFormat, records: Uint8Array): void {
  const tmp = `${file}.tmp`
  const header = new Uint8Array(RECORD_LOG_HEADER_BYTES)
  const v = new DataView(header.buffer)
  v.setUint32(H_MAGIC, format.magic, true)
  v.setUint32(H_VERSION, format.version, true)
  v.setUint32(H_RECORD_SIZE, format.recordSize, true)
  v.setUint32(H_CRC, crcOf(header, 0, H_CRC), true)
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const fd = fs.openSync(tmp, 'w')
    try {
      writeAll(fd, header, 0)
      writeAll(fd, records, RECORD_LOG_HEADER_BYTES)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
    const dfd = fs.openSync(path.dirname(file), 'r')
    try {
      fs.fsyncSync(dfd)
    } finally {
      fs.closeSync(dfd)
    }
  } catch (err) {
    throw ioError(file, 'create', err)
  }
}
