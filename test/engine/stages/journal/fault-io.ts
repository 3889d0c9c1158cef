// A FileIo for the engine's journal threads (EngineOptions.fileIo) that fails chosen
// operations on segment files once armed from the test's thread through shared memory:
//
//   word 0  op      0 none, 1 write, 2 fdatasync/fsync
//   word 1  errno   index in ERRNOS
//   word 2  hits    failures produced so far (both threads add)
//
// It runs in the sequencer thread (the Journal: writes, its own fsyncs) and in the
// journal-sync thread (its fdatasyncs), so a fault lands wherever the real one would.

import { type FileIo, nodeFileIo } from '../../../../engine/journal/index.js'

export const FAULT_NONE = 0
export const FAULT_WRITE = 1
export const FAULT_FSYNC = 2
export const ERRNOS = ['ENOSPC', 'EIO'] as const

export function faultControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(16)
}

export function arm(control: SharedArrayBuffer, op: number, errno: (typeof ERRNOS)[number]): void {
  const w = new Int32Array(control)
  Atomics.store(w, 1, ERRNOS.indexOf(errno))
  Atomics.store(w, 0, op)
}

export function disarm(control: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(control), 0, FAULT_NONE)
}

export function hits(control: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(control), 2)
}

export function createFileIo(data: unknown): FileIo {
  const w = new Int32Array(data as SharedArrayBuffer)
  const segFds = new Set<number>()
  const fail = (op: number, syscall: string): void => {
    if (Atomics.load(w, 0) !== op) return
    Atomics.add(w, 2, 1)
    const code = ERRNOS[Atomics.load(w, 1)] ?? 'EIO'
    throw Object.assign(new Error(`${code}: injected ${syscall} failure`), { code, syscall })
  }
  return {
    ...nodeFileIo,
    openSync(p, flags, mode) {
      const fd = nodeFileIo.openSync(p, flags, mode)
      if (p.endsWith('.seg')) segFds.add(fd)
      return fd
    },
    closeSync(fd) {
      segFds.delete(fd)
      nodeFileIo.closeSync(fd)
    },
    writeSync(fd, buffer, offset, length, position) {
      if (segFds.has(fd)) fail(FAULT_WRITE, 'write')
      return nodeFileIo.writeSync(fd, buffer, offset, length, position)
    },
    fdatasyncSync(fd) {
      if (segFds.has(fd)) fail(FAULT_FSYNC, 'fdatasync')
      nodeFileIo.fdatasyncSync(fd)
    },
    fsyncSync(fd) {
      if (segFds.has(fd)) fail(FAULT_FSYNC, 'fsync')
      nodeFileIo.fsyncSync(fd)
    },
  }
}
