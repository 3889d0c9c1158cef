// Checks each NATS URL before connecting: is it well formed, does a NATS server answer there, which release,
// with JetStream? A NATS server greets every new TCP connection with one line `INFO {json}\r\n` that names its
// version, so one short-lived socket per URL answers all of it, in parallel, within a bounded time, and
// without the client library's reconnect loop hiding the reason.

import { connect as tcpConnect } from 'node:net'
import { ClusterConnectError, ClusterErrorCode, type UrlProblem } from './errors.js'

/** The oldest release cluster mode accepts: stream metadata and sync_interval arrived in 2.10. */
export const MIN_SERVER_VERSION = '2.10.0'
export const DEFAULT_PROBE_TIMEOUT_MS = 3000
const DEFAULT_PORT = 4222
const MAX_INFO_BYTES = 64 * 1024

export interface NatsEndpoint {
  /** As given. */
  readonly url: string
  readonly host: string
  readonly port: number
}

export interface ServerGreeting {
  readonly url: string
  readonly version: string
  readonly serverName: string
  readonly serverId: string
  readonly cluster: string
  readonly jetstream: boolean
  readonly maxPayload: number
}

export interface ProbeReport {
  /** Servers that answered, in URL order. */
  readonly servers: readonly ServerGreeting[]
  /** URLs that did not answer, and why (a cluster with one server down still starts). */
  readonly unreachable: readonly UrlProblem[]
  /** Smallest max_payload among the servers that answered. */
  readonly maxPayload: number
}

/** [major, minor, patch] of `2.10.22` / `v2.11.0-RC.1`; undefined when it is not a version. */
export function parseVersion(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v)
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])]
}

/** True when version `v` >= `min` (both x.y.z). */
export function versionAtLeast(v: string, min: string): boolean {
  const a = parseVersion(v)
  const b = parseVersion(min)
  if (a === undefined || b === undefined) return false
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!
  return true
}

/** Parses `nats://host:port`, `host:port` or `host` (port 4222). Throws on anything else. */
export function parseNatsUrl(url: string): NatsEndpoint {
  const bad = (why: string): never => {
    throw new ClusterConnectError(ClusterErrorCode.badUrl, `bad NATS URL: url=${JSON.stringify(url)}, ${why}`, [{ url, reason: why }])
  }
  if (typeof url !== 'string' || url.trim() === '') bad('empty')
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `nats://${url}`
  let u: URL
  try {
    u = new URL(withScheme)
  } catch {
    return bad('not a URL; expected nats://host:port')
  }
  if (u.protocol !== 'nats:') {
    bad(`scheme ${u.protocol}// is not supported; give the servers' client URLs as nats://host:port (port 4222 by default)`)
  }
  if (u.username !== '' || u.password !== '') bad('credentials in the URL are not supported')
  if ((u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hash !== '') bad('a NATS URL has no path, query or fragment')
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname
  if (host === '') bad('no host')
  const port = u.port === '' ? DEFAULT_PORT : Number(u.port)
  return { url, host, port }
}

/** Connects, reads the INFO line, closes. Resolves with the greeting or a reason it could not get one. */
export function readGreeting(ep: NatsEndpoint, timeoutMs: number): Promise<ServerGreeting | UrlProblem> {
  return new Promise((resolve) => {
    let got = ''
    let settled = false
    const sock = tcpConnect({ host: ep.host, port: ep.port })
    const finish = (r: ServerGreeting | UrlProblem): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      sock.destroy()
      resolve(r)
    }
    const timer = setTimeout(
      () => finish({ url: ep.url, reason: got === '' ? `no NATS greeting within ${timeoutMs} ms (is this a NATS client port?)` : 'greeting incomplete' }),
      timeoutMs,
    )
    sock.on('error', (e: NodeJS.ErrnoException) => finish({ url: ep.url, reason: `${e.code ?? 'error'}: ${e.message}` }))
    sock.on('close', () => finish({ url: ep.url, reason: 'closed the connection without a NATS greeting' }))
    sock.on('data', (chunk: Buffer) => {
      got += chunk.toString('utf8')
      const nl = got.indexOf('\r\n')
      if (nl < 0) {
        if (got.length > MAX_INFO_BYTES) finish({ url: ep.url, reason: 'greeting too long: not a NATS server' })
        return
      }
      const line = got.slice(0, nl)
      if (!line.startsWith('INFO ')) {
        finish({ url: ep.url, reason: `answered ${JSON.stringify(line.slice(0, 40))}: not a NATS server` })
        return
      }
      try {
        const info = JSON.parse(line.slice(5)) as Record<string, unknown>
        finish({
          url: ep.url,
          version: typeof info.version === 'string' ? info.version : '',
          serverName: typeof info.server_name === 'string' ? info.server_name : '',
          serverId: typeof info.server_id === 'string' ? info.server_id : '',
          cluster: typeof info.cluster === 'string' ? info.cluster : '',
          jetstream: info.jetstream === true,
          maxPayload: typeof info.max_payload === 'number' ? info.max_payload : 0,
        })
      } catch {
        finish({ url: ep.url, reason: 'greeting is not valid INFO JSON: not a NATS server' })
      }
    })
  })
}

function isGreeting(r: ServerGreeting | UrlProblem): r is ServerGreeting {
  return 'version' in r
}

/**
 * Probes every URL in parallel (each bounded by timeoutMs). Throws ClusterConnectError when a URL is
 * malformed, no server answers, a server is older than MIN_SERVER_VERSION, or one has JetStream disabled.
 */
export async function probeServers(urls: readonly string[], timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<ProbeReport> {
  if (!Array.isArray(urls) || urls.length === 0) {
    throw new ClusterConnectError(ClusterErrorCode.badUrl, 'no NATS URL given: pass the servers as nats://host:port,...', [])
  }
  const endpoints = urls.map(parseNatsUrl)
  const results = await Promise.all(endpoints.map((ep) => readGreeting(ep, timeoutMs)))
  const servers = results.filter(isGreeting)
  const unreachable = results.filter((r): r is UrlProblem => !isGreeting(r))
  const old = servers.filter((s) => !versionAtLeast(s.version, MIN_SERVER_VERSION))
  if (old.length > 0) {
    const list = old.map((s) => `${s.url} runs nats-server ${s.version || 'of unknown version'}`).join('; ')
    throw new ClusterConnectError(
      ClusterErrorCode.serverTooOld,
      `nats-server too old for cluster mode: ${list}; needs ${MIN_SERVER_VERSION} or newer (stream metadata, ` +
        'sync_interval); upgrade the servers (tools/nats.sh installs the release ordo is tested with)',
      old.map((s) => ({ url: s.url, reason: `version ${s.version}` })),
    )
  }
  const noJs = servers.filter((s) => !s.jetstream)
  if (noJs.length > 0) {
    throw new ClusterConnectError(
      ClusterErrorCode.noJetStream,
      `JetStream is not enabled on: ${noJs.map((s) => s.url).join(', ')}; start the servers with a jetstream { } block (and sync_interval: always)`,
      noJs.map((s) => ({ url: s.url, reason: 'JetStream disabled' })),
    )
  }
  if (servers.length === 0) {
    throw new ClusterConnectError(
      ClusterErrorCode.unreachable,
      `no NATS server answered within ${timeoutMs} ms: ${unreachable.map((p) => `${p.url} (${p.reason})`).join('; ')}`,
      unreachable,
    )
  }
  return { servers, unreachable, maxPayload: Math.min(...servers.map((s) => s.maxPayload)) }
}
