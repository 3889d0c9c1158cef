// Group registry: group name <-> numeric id (u32, assigned once from 1 upwards, never
// reused), persisted in `<dataDir>/groups.log`, next to the journal directory but not part
// of it (it uses the journal library's file I/O, CRC and error classes). Lives with its
// owner, the engine's main thread; not shared between threads.
//
// groups.log (format version 1), append-only, little-endian:
//
//   file header (16 bytes)
//   0        4        8        12       16
//   +--------+--------+--------+--------+
//   | 'ORDG' | version| reserved| crc32c |      crc32c over [0, 12)
//   +--------+--------+--------+--------+
//
//   record (4-aligned, align4(12 + length) bytes), one per group, ids 1, 2, 3 ... in order
//   0        4        8        12
//   +--------+--------+--------+---------------------+-----+
//   | length | crc32c | id     | name (ASCII)        | pad |
//   +--------+--------+--------+---------------------+-----+
//   length: name bytes (1..255); crc32c over [0, 4) ++ [8, 12 + length); pad is zeros.
//
// Creating groups appends their records in one write and fdatasyncs before returning (rare,
// so the cost does not matter and the ids are durable before anyone uses them). On open a
// torn last record (the write did not finish) is cut; damage anywhere else is a hard error,
// because cutting a middle record would hand its id to another name later.

import * as path from 'node:path'
import { crc32cJs } from '../journal/crc32c-range.js'
import { GroupRegistryCorruptError, GroupRegistryFullError, JournalClosedError, JournalIoError } from '../journal/errors.js'
import { type FileIo, fsyncDir, nodeFileIo, writeFully } from '../journal/file-io.js'
import { GroupNameProblem, MAX_GROUP_NAME_BYTES, groupNameProblem } from '../../codec/group-name.js'
import { validateGroupName } from './validate-group-name.js'

export const GROUPS_FILE_NAME = 'groups.log'
export const GROUPS_MAGIC = 0x4744524f // 'ORDG'
export const GROUPS_VERSION = 1
export const GROUPS_HEADER_BYTES = 16
export const GroupsHeader = { magic: 0, version: 4, reserved: 8, crc: 12 } as const
export const GROUPS_HEADER_CRC_END = 12
export const GROUP_RECORD_HEADER_BYTES = 12
export const GroupRecord = { length: 0, crc: 4, id: 8 } as const
export const MAX_GROUP_ID = 0xffff_ffff

/** Bytes a record for a name of `nameBytes` bytes occupies. */
export function groupRecordBytes(nameBytes: number): number {
  return (GROUP_RECORD_HEADER_BYTES + nameBytes + 3) & ~3
}

export interface GroupRegistryOptions {
  /** Data directory; groups.log lives in it. Created if missing. */
  dir: string
  io?: FileIo
}

export interface GroupRegistryRecovery {
  groups: number
  /** Bytes of a torn last record cut on open (0 when clean). */
  truncatedBytes: number
  /** True when groups.log did not exist or held only a partial header, and was (re)created. */
  created: boolean
}

export class GroupRegistry {
  readonly file: string
  readonly recovery: GroupRegistryRecovery
  private readonly io: FileIo
  private readonly ids = new Map<string, number>()
  /** names[id - 1] */
  private readonly names: string[] = []
  private fd: number
  private fileBytes: number
  private closed = false

  private constructor(file: string, io: FileIo, fd: number, fileBytes: number, recovery: GroupRegistryRecovery) {
    this.file = file
    this.io = io
    this.fd = fd
    this.fileBytes = fileBytes
    this.recovery = recovery
  }

  static open(opts: GroupRegistryOptions): GroupRegistry {
    const io = opts.io ?? nodeFileIo
    const file = path.join(opts.dir, GROUPS_FILE_NAME)
    try {
      io.mkdirSync(opts.dir, { recursive: true })
    } catch (err) {
      throw new JournalIoError('mkdir', opts.dir, err)
    }
    let bytes: Uint8Array | null = null
    try {
      bytes = io.readFileSync(file)
    } catch {
      bytes = null
    }
    if (bytes === null || bytes.length < GROUPS_HEADER_BYTES) {
      // Missing, or the process died while creating it (nothing can have been registered).
      const fd = createFile(io, opts.dir, file)
      return new GroupRegistry(file, io, fd, GROUPS_HEADER_BYTES, { groups: 0, truncatedBytes: 0, created: true })
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (
      view.getUint32(GroupsHeader.magic, true) !== GROUPS_MAGIC ||
      view.getUint32(GroupsHeader.crc, true) !== crc32cJs(bytes, 0, GROUPS_HEADER_CRC_END, 0)
    ) {
      throw new GroupRegistryCorruptError('bad groups.log header', file, 0)
    }
    if (view.getUint32(GroupsHeader.version, true) !== GROUPS_VERSION) {
      throw new GroupRegistryCorruptError(`unsupported groups.log version ${view.getUint32(GroupsHeader.version, true)}`, file, 4)
    }
    const parsed: string[] = []
    const end = parseRecords(bytes, view, file, parsed)
    let fd: number
    try {
      fd = io.openSync(file, 'r+')
    } catch (err) {
      throw new JournalIoError('open', file, err)
    }
    if (end < bytes.length) {
      try {
        io.ftruncateSync(fd, end)
        io.fsyncSync(fd)
      } catch (err) {
        io.closeSync(fd)
        throw new JournalIoError('truncate-tail', file, err, `offset=${end}`)
      }
    }
    const reg = new GroupRegistry(file, io, fd, end, {
      groups: parsed.length,
      truncatedBytes: bytes.length - end,
      created: false,
    })
    for (const name of parsed) reg.add(name)
    return reg
  }

  /** Number of groups. */
  get size(): number {
    return this.names.length
  }

  /** Id of `name`, or -1 if unknown (no validation, no allocation). */
  idOf(name: string): number {
    return this.ids.get(name) ?? -1
  }

  /** Name of group `id`, or undefined. */
  nameOf(id: number): string | undefined {
    return Number.isInteger(id) && id >= 1 ? this.names[id - 1] : undefined
  }

  /**
   * Ids for `names`, in order. Unknown names get -1, or with `create` a new id each (the
   * same id for a name repeated in the call), made durable before this returns. Throws
   * GroupNameError for an invalid name, before anything is created.
   */
  resolve(names: readonly string[], create: boolean): number[] {
    if (this.closed) throw new JournalClosedError('group registry')
    const out = new Array<number>(names.length)
    let fresh: Map<string, number> | null = null
    let nextId = this.names.length + 1
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      validateGroupName(name, i)
      const known = this.ids.get(name) ?? fresh?.get(name)
      if (known !== undefined) {
        out[i] = known
      } else if (!create) {
        out[i] = -1
      } else {
        if (nextId > MAX_GROUP_ID) throw new GroupRegistryFullError(MAX_GROUP_ID)
        fresh ??= new Map()
        fresh.set(name, nextId)
        out[i] = nextId++
      }
    }
    if (fresh !== null) this.persist(fresh)
    return out
  }

  /** All groups as [name, id], ids ascending. */
  list(): Array<[string, number]> {
    return this.names.map((n, i) => [n, i + 1])
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.io.closeSync(this.fd)
    } catch {
      // Every change was fsynced when made.
    }
    this.fd = -1
  }

  private add(name: string): void {
    this.names.push(name)
    this.ids.set(name, this.names.length)
  }

  /** Appends records for `fresh` (ids consecutive from size + 1) and fdatasyncs. */
  private persist(fresh: Map<string, number>): void {
    let total = 0
    for (const name of fresh.keys()) total += groupRecordBytes(name.length)
    const bytes = new Uint8Array(total)
    const view = new DataView(bytes.buffer)
    let pos = 0
    for (const [name, id] of fresh) {
      view.setUint32(pos + GroupRecord.length, name.length, true)
      view.setUint32(pos + GroupRecord.id, id, true)
      for (let i = 0; i < name.length; i++) bytes[pos + GROUP_RECORD_HEADER_BYTES + i] = name.charCodeAt(i)
      let crc = crc32cJs(bytes, pos, pos + 4, 0)
      crc = crc32cJs(bytes, pos + 8, pos + GROUP_RECORD_HEADER_BYTES + name.length, crc)
      view.setUint32(pos + GroupRecord.crc, crc, true)
      pos += groupRecordBytes(name.length)
    }
    try {
      writeFully(this.io, this.fd, bytes, 0, total, this.fileBytes)
      this.io.fdatasyncSync(this.fd)
    } catch (err) {
      // Nothing was assigned in memory; cut whatever part of the write landed so the next
      // attempt (or the next open) does not find a half record in the middle.
      try {
        this.io.ftruncateSync(this.fd, this.fileBytes)
      } catch {
        // Recovery cuts a torn last record anyway.
      }
      throw new JournalIoError('append-groups', this.file, err, `groups=${fresh.size}`)
    }
    this.fileBytes += total
    for (const name of fresh.keys()) this.add(name)
  }
}

function createFile(io: FileIo, dir: string, file: string): number {
  const bytes = new Uint8Array(GROUPS_HEADER_BYTES)
  const view = new DataView(bytes.buffer)
  view.setUint32(GroupsHeader.magic, GROUPS_MAGIC, true)
  view.setUint32(GroupsHeader.version, GROUPS_VERSION, true)
  view.setUint32(GroupsHeader.crc, crc32cJs(bytes, 0, GROUPS_HEADER_CRC_END, 0), true)
  try {
    const fd = io.openSync(file, 'w+')
    writeFully(io, fd, bytes, 0, bytes.length, 0)
    io.fsyncSync(fd)
    fsyncDir(io, dir)
    return fd
  } catch (err) {
    throw new JournalIoError('create', file, err)
  }
}

/**
 * Parses records into `out` (names in id order) and returns the offset where valid data
 * ends. A bad record that reaches the end of the file is a torn tail (returned offset is
 * its start); a bad record followed by more bytes is corruption and throws.
 */
function parseRecords(bytes: Uint8Array, view: DataView, file: string, out: string[]): number {
  const seen = new Set<string>()
  const maxRecord = groupRecordBytes(MAX_GROUP_NAME_BYTES)
  let pos = GROUPS_HEADER_BYTES
  while (pos < bytes.length) {
    const left = bytes.length - pos
    if (left < GROUP_RECORD_HEADER_BYTES) return pos
    const length = view.getUint32(pos + GroupRecord.length, true)
    if (length < 1 || length > MAX_GROUP_NAME_BYTES) {
      if (left <= maxRecord) return pos
      throw new GroupRegistryCorruptError(`bad record length ${length}`, file, pos)
    }
    const size = groupRecordBytes(length)
    if (size > left) return pos
    let crc = crc32cJs(bytes, pos, pos + 4, 0)
    crc = crc32cJs(bytes, pos + 8, pos + GROUP_RECORD_HEADER_BYTES + length, crc)
    if (crc !== view.getUint32(pos + GroupRecord.crc, true)) {
      if (size === left) return pos
      throw new GroupRegistryCorruptError('record crc mismatch', file, pos)
    }
    const id = view.getUint32(pos + GroupRecord.id, true)
    if (id !== out.length + 1) throw new GroupRegistryCorruptError(`id out of order: id=${id}, expected=${out.length + 1}`, file, pos)
    let name = ''
    for (let i = 0; i < length; i++) name += String.fromCharCode(bytes[pos + GROUP_RECORD_HEADER_BYTES + i]!)
    if (groupNameProblem(name) !== GroupNameProblem.none || seen.has(name)) {
      throw new GroupRegistryCorruptError(`invalid or duplicate name ${JSON.stringify(name)}`, file, pos)
    }
    seen.add(name)
    out.push(name)
    pos += size
  }
  return pos
}
