// ordo's version, read once from the package's own package.json (two levels up from
// this module in the source tree and in dist/ alike), for build-info metrics, logs and
// `ordo --version`.

import { readFileSync } from 'node:fs'

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

export const ORDO_VERSION = readVersion()
