// Which transport the gateway runs on, chosen once per process:
//   'uws'   the first uWebSockets.js build (uws-builds.ts) that loads on this
//           Node and libc and passes the start-up probe; none: an error
//   'ws'    the `ws` package on node:http (ws-app.ts)
//   'auto'  'uws' when a build passes, else 'ws' with a loud notice of why
//           and what it costs (fallback-cost.ts)
// The choice comes from GatewayOptions.transport, else env ORDO_TRANSPORT,
// else 'auto'.

import { OrdoBaseError } from '../../codec/ordo-error.js'
import { createRequire } from 'node:module'
import { FALLBACK_COST } from './fallback-cost.js'
import { probeTransport } from './startup-probe.js'
import type { UwsModule } from './uws-api.js'
import { glibcVersion, loadUwsBuild, UWS_BUILDS } from './uws-builds.js'
import { wsTransportModule } from './ws-app.js'

export const TRANSPORT_CHOICES = ['auto', 'uws', 'ws'] as const
export type TransportChoice = (typeof TRANSPORT_CHOICES)[number]
export type TransportName = 'uws' | 'ws'

export type TransportErrorCode = 'BAD_TRANSPORT' | 'NO_UWS_BUILD'

export class TransportError extends OrdoBaseError {
  declare readonly code: TransportErrorCode

  constructor(code: TransportErrorCode, message: string) {
    super(code, message)
    this.name = 'TransportError'
  }
}

export interface TransportInfo {
  readonly name: TransportName
  readonly module: UwsModule
  /** What runs: 'uWebSockets.js 20.57.0 (@btc-vision/uwebsockets.js)', 'ws 8.18.3 on node:http'. */
  readonly implementation: string
  /** Why this one, in a line. */
  readonly reason: string
  /** Each uWS build passed over, and why. */
  readonly skipped: readonly string[]
  /** Set when the fallback runs although uWS was not ruled out by the user: say it loudly. */
  readonly notice: string | null
}

/** Validates a transport name from an option, a flag or the environment. */
export function parseTransportChoice(value: string | undefined, source: string): TransportChoice {
  if (value === undefined || value === '') return 'auto'
  if ((TRANSPORT_CHOICES as readonly string[]).includes(value)) return value as TransportChoice
  throw new TransportError('BAD_TRANSPORT', `bad transport: ${source}=${JSON.stringify(value)}; one of ${TRANSPORT_CHOICES.join(', ')}`)
}

interface UwsSearch {
  readonly found: { module: UwsModule; implementation: string } | null
  readonly skipped: readonly string[]
}

let search: Promise<UwsSearch> | null = null

/** Loads and probes the uWS builds in order, once per process. */
function findUws(): Promise<UwsSearch> {
  search ??= (async () => {
    const skipped: string[] = []
    for (const build of UWS_BUILDS) {
      const r = loadUwsBuild(build)
      if (!r.ok) {
        skipped.push(r.problem)
        continue
      }
      const problem = await probeTransport(r.module)
      if (problem !== null) {
        skipped.push(`${build.pkg} ${build.uwsVersion}: loaded, but the start-up check failed: ${problem}`)
        continue
      }
      return { found: { module: r.module, implementation: `uWebSockets.js ${build.uwsVersion} (${build.pkg})` }, skipped }
    }
    return { found: null, skipped }
  })()
  return search
}

function wsVersion(): string {
  try {
    return (createRequire(import.meta.url)('ws/package.json') as { version: string }).version
  } catch {
    return '?'
  }
}

function runtime(): string {
  const libc = glibcVersion()
  return `Node ${process.versions.node} (ABI ${process.versions.modules}), ${process.platform}-${process.arch}, ${libc === '' ? 'no glibc' : `glibc ${libc}`}`
}

export async function selectTransport(choice: TransportChoice): Promise<TransportInfo> {
  const wsInfo = (reason: string, skipped: readonly string[], notice: string | null): TransportInfo => ({
    name: 'ws',
    module: wsTransportModule,
    implementation: `ws ${wsVersion()} on node:http`,
    reason,
    skipped,
    notice,
  })
  if (choice === 'ws') return wsInfo('transport ws was asked for', [], null)
  const { found, skipped } = await findUws()
  if (found !== null) {
    return { name: 'uws', module: found.module, implementation: found.implementation, reason: `the first uWebSockets.js build that loads and passes the start-up check on ${runtime()}`, skipped, notice: null }
  }
  const why = `no uWebSockets.js build works on ${runtime()}:\n${skipped.map((s) => `  - ${s}`).join('\n')}`
  if (choice === 'uws') {
    throw new TransportError('NO_UWS_BUILD', `transport uws asked for, but ${why}\nRun on Node 20 (glibc >= 2.34) or Node 20/22/24 with glibc >= 2.38, or choose the slower ws transport (--transport ws, ORDO_TRANSPORT=ws).`)
  }
  return wsInfo('no uWebSockets.js build works here', skipped, fallbackNotice(why))
}

function fallbackNotice(why: string): string {
  const bar = '!'.repeat(78)
  return [
    bar,
    `SLOWER TRANSPORT: the gateway runs on ${`ws ${wsVersion()}`} + node:http, not uWebSockets.js, because ${why}`,
    `What it costs (${FALLBACK_COST.measured}):`,
    ...FALLBACK_COST.lines.map((l) => `  ${l}`),
    'Everything else is the same: protocol, ordering, durability, limits. To get uWS back: Node 20 with glibc >= 2.34,',
    'or Node 20/22/24 with glibc >= 2.38 (e.g. Debian 13, Ubuntu 24.04). Silence this by choosing it: --transport ws or ORDO_TRANSPORT=ws.',
    bar,
  ].join('\n')
}

/** For tests: forget the cached search (the builds are loaded once per process regardless). */
export function resetTransportSearchForTests(): void {
  search = null
}
