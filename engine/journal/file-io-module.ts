// Choosing the FileIo of the journal's worker threads. A FileIo is an object of functions
// and cannot be posted to a worker, so the engine posts a module instead: the worker
// imports it and calls its createFileIo(data) (data may hold a SharedArrayBuffer the
// main thread also sees, e.g. to arm an injected fault at a chosen moment). Without one,
// node:fs.

import { type FileIo, nodeFileIo } from './file-io.js'

/** A module (URL or absolute path) exporting `createFileIo(data: unknown): FileIo`. */
export interface FileIoModule {
  module: string
  /** Passed to createFileIo (structured-cloned; SharedArrayBuffers are shared). */
  data?: unknown
}

export async function loadFileIo(spec: FileIoModule | undefined): Promise<FileIo> {
  if (spec === undefined) return nodeFileIo
  const mod = (await import(spec.module)) as { createFileIo?: (data: unknown) => FileIo }
  if (typeof mod.createFileIo !== 'function') throw new Error(`file I/O module has no createFileIo export: module=${spec.module}`)
  return mod.createFileIo(spec.data)
}
