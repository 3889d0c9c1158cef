// A real small file system for disk-full tests: a tmpfs of a few MiB mounted on a
// fresh directory, always unmounted afterwards. Mounting needs root (tests run as root
// in CI here); without root the caller registers a test that states the reason and
// checks it (canMountTmpfs().reason), so the case is never skipped silently.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface MountCheck {
  /** True when this process may mount (it runs as root). */
  ok: boolean
  /** Why it may not ('' when ok). */
  reason: string
}

export function canMountTmpfs(): MountCheck {
  const uid = process.getuid?.() ?? -1
  if (uid === 0) return { ok: true, reason: '' }
  return { ok: false, reason: `mounting a tmpfs needs root: uid=${uid}` }
}

/**
 * Mounts a tmpfs of `size` (mount(8) syntax: '4m') on a new directory, runs fn(mountPoint),
 * and unmounts it (lazily if a file is still open) and removes the directory, whatever fn did.
 */
export async function withTmpfs<T>(size: string, fn: (mountPoint: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-tmpfs-'))
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' })
  if (m.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`mount -t tmpfs -o size=${size} failed as uid ${process.getuid?.()}: ${m.stderr.trim() || `status ${m.status}`}`)
  }
  try {
    return await fn(dir)
  } finally {
    const u = spawnSync('umount', [dir], { encoding: 'utf8' })
    if (u.status !== 0) spawnSync('umount', ['-l', dir])
    rmSync(dir, { recursive: true, force: true })
  }
}
