// The uWebSockets.js builds the gateway can run on: npm republishes of the
// upstream binaries, installed as optional dependencies (the upstream project
// publishes to GitHub only). Each ships one native module per platform, CPU
// and Node ABI (process.versions.modules); the native module is loaded by its
// path here, never through the package's own entry: @trufflesuite's entry
// falls back silently to a JavaScript stand-in that dies at the first
// WebSocket upgrade ("not implemented (handleHttpUpgrade)").
//
// Newest uWS first: later releases carry upstream's fixes and speed-ups. What
// each needs, read from its binaries (objdump -T, highest GLIBC_ symbol):
//   @btc-vision/uwebsockets.js 20.57.0   Node 20/22/24/25 (ABI 115/127/137/141), glibc >= 2.38
//   @trufflesuite/uws-js-unofficial 20.30 Node 16/18/20 (ABI 93/108/115), glibc >= 2.34

import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { UwsModule } from './uws-api.js'

const require = createRequire(import.meta.url)

export interface UwsBuild {
  /** npm package name. */
  readonly pkg: string
  /** uWebSockets.js release it carries. */
  readonly uwsVersion: string
  /** Node ABIs (process.versions.modules) it has binaries for, on linux-x64. */
  readonly linuxAbis: readonly string[]
  readonly minGlibc: string
  /** Path of the native module for this process, given the package's resolved entry file. */
  binaryPath(entry: string): string
}

const binaryName = () => `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`

export const UWS_BUILDS: readonly UwsBuild[] = [
  {
    pkg: '@btc-vision/uwebsockets.js',
    uwsVersion: '20.57.0',
    linuxAbis: ['115', '127', '137', '141'],
    minGlibc: '2.38',
    binaryPath: (entry) => join(dirname(entry), binaryName()),
  },
  {
    pkg: '@trufflesuite/uws-js-unofficial',
    uwsVersion: '20.30.0',
    linuxAbis: ['93', '108', '115'],
    minGlibc: '2.34',
    binaryPath: (entry) => join(dirname(entry), '..', 'binaries', binaryName()),
  },
]

export type UwsLoadResult =
  | { readonly ok: true; readonly build: UwsBuild; readonly module: UwsModule }
  | { readonly ok: false; readonly build: UwsBuild; readonly problem: string }

/** glibc version of this process ('' on musl or other platforms). */
export function glibcVersion(): string {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
  return header?.glibcVersionRuntime ?? ''
}

/** Loads one build's native module for this Node; a problem names what is missing. */
export function loadUwsBuild(build: UwsBuild): UwsLoadResult {
  let entry: string
  try {
    entry = require.resolve(build.pkg)
  } catch {
    return { ok: false, build, problem: `${build.pkg} is not installed (an optional dependency: npm install ${build.pkg})` }
  }
  const path = build.binaryPath(entry)
  try {
    const module = require(path) as UwsModule
    if (typeof module.App !== 'function') return { ok: false, build, problem: `${build.pkg}: ${path} has no App()` }
    return { ok: true, build, module }
  } catch (err) {
    return { ok: false, build, problem: `${build.pkg} ${build.uwsVersion}: ${explain(build, err)}` }
  }
}

function explain(build: UwsBuild, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  const abi = process.versions.modules
  if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') {
    return `no build for Node ${process.versions.node} (ABI ${abi}) on ${process.platform}-${process.arch}; it has linux-x64 builds for ABI ${build.linuxAbis.join('/')}`
  }
  const glibc = /GLIBC_([0-9.]+)' not found/.exec(msg)
  if (glibc !== null) return `needs glibc >= ${glibc[1]}, this system has ${glibcVersion() || 'another libc'}`
  return msg.split('\n')[0]!
}
