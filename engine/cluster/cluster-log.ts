// Opening the replicated log: check the servers, connect, make sure the cluster's streams exist and are
// ordo's. Everything else (append, tail, elect, claim, purge) works on the ClusterLog this returns.

import {
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { ClusterConnectError, ClusterError, ClusterErrorCode, type UrlProblem } from './errors.js'
import { type ClusterNames, clusterNames } from './names.js'
import { JsErrCode, isTransientJsError } from './pub-ack.js'
import { MIN_SERVER_VERSION, type ProbeReport, probeServers, versionAtLeast } from './server-probe.js'
import { type StreamRole, desiredStreamConfig, validateExistingStream } from './stream-spec.js'

export interface OpenLogOptions {
  /** NATS client URLs of the JetStream cluster, nats://host:port. */
  readonly urls: readonly string[]
  /** The ordo cluster's name: names the stream (ORDO_<cluster>) and its subjects. */
  readonly cluster: string
  /** Stream replicas; default 3. */
  readonly replicas?: number
  /** Bound on probing each URL and on each connection attempt; default 3000 ms. */
  readonly connectTimeoutMs?: number
  /** Bound on each JetStream API request (stream info/create); default 5000 ms. */
  readonly apiTimeoutMs?: number
  /** How long stream creation keeps retrying while the JetStream cluster elects its meta leader; default 15 000 ms. */
  readonly createDeadlineMs?: number
  /** JetStream's Msg-Id dedupe window; default 120 000 ms. Resends after a failover must arrive within it. */
  readonly duplicateWindowMs?: number
  /** Node claims expire this long after their last refresh; default 10 000 ms. */
  readonly claimTtlMs?: number
  /** Create the streams when missing; default true. false: a missing stream is an error. */
  readonly create?: boolean
  /** Name of the NATS connection, shown by the servers' monitoring. */
  readonly connectionName?: string
  /** Connection events (disconnected, reconnected to another server); default none. */
  readonly onConnectionEvent?: (event: ConnectionEvent) => void
}

export interface ConnectionEvent {
  readonly type: 'disconnect' | 'reconnect' | 'error'
  readonly server: string
  readonly detail: string
}

/** Bytes of headers an entry carries at most (kind, epoch, Msg-Id, expected sequence), with slack. */
export const ENTRY_HEADER_ALLOWANCE = 512

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class ClusterLog {
  readonly names: ClusterNames
  readonly nc: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly probe: ProbeReport
  readonly replicas: number
  readonly claimTtlMs: number
  /** Largest entry (data bytes) the servers accept. */
  readonly maxEntryBytes: number
  #closed = false

  constructor(names: ClusterNames, nc: NatsConnection, jsm: JetStreamManager, probe: ProbeReport, replicas: number, claimTtlMs: number) {
    this.names = names
    this.nc = nc
    this.jsm = jsm
    this.js = jetstream(nc, { timeout: 5000 })
    this.probe = probe
    this.replicas = replicas
    this.claimTtlMs = claimTtlMs
    this.maxEntryBytes = Math.min(probe.maxPayload, nc.info?.max_payload ?? probe.maxPayload) - ENTRY_HEADER_ALLOWANCE
  }

  get closed(): boolean {
    return this.#closed || this.nc.isClosed()
  }

  /** Version of the server this connection is on now. */
  get serverVersion(): string {
    return this.nc.info?.version ?? ''
  }

  async streamInfo(): Promise<StreamInfo> {
    return this.jsm.streams.info(this.names.logStream)
  }

  /** Stream seq of the last entry (0 for an empty log). */
  async lastSeq(): Promise<number> {
    return (await this.streamInfo()).state.last_seq
  }

  /** Name of the nats-server currently leading the log stream's Raft group ('' if none right now). */
  async streamLeader(): Promise<string> {
    return (await this.streamInfo()).cluster?.leader ?? ''
  }

  /** Drains the connection (pending publishes flushed), at most `drainMs`, then closes it. */
  async close(drainMs = 2000): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.nc.isClosed()) return
    let timer: NodeJS.Timeout | undefined
    const drained = this.nc.drain().then(() => true, () => false)
    const ok = await Promise.race([drained, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), drainMs)))])
    clearTimeout(timer)
    if (!ok) await this.nc.close().catch(() => undefined)
  }
}

function isApiError(e: unknown, errCode: number): boolean {
  return e instanceof JetStreamApiError && e.code === errCode
}

async function ensureStream(jsm: JetStreamManager, names: ClusterNames, role: StreamRole, o: Required<Pick<OpenLogOptions, 'replicas' | 'duplicateWindowMs' | 'claimTtlMs' | 'create' | 'createDeadlineMs'>>): Promise<void> {
  const name = role === 'log' ? names.logStream : names.nodesStream
  const deadline = Date.now() + o.createDeadlineMs
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(name)
      validateExistingStream(names, role, info.config, o.replicas)
      return
    } catch (e) {
      if (e instanceof ClusterError) throw e
      if (!isApiError(e, JsErrCode.streamNotFound)) {
        if (isTransientJsError(e) && Date.now() < deadline) {
          await sleep(Math.min(100 * 2 ** attempt, 1000))
          continue
        }
        throw new ClusterError(ClusterErrorCode.unreachable, `could not read stream ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
      }
    }
    if (!o.create) {
      throw new ClusterError(ClusterErrorCode.streamMismatch, `stream ${name} does not exist and creation is off: create it first (start one node with creation on)`)
    }
    try {
      const cfg = desiredStreamConfig(names, role, o) as StreamConfig
      await jsm.streams.add(cfg)
      // Validate what is there now: another node may have created it at the same moment.
      continue
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e)
      if (e instanceof JetStreamApiError && (e.code === 10065 || /subjects overlap/i.test(text))) {
        throw new ClusterError(
          ClusterErrorCode.foreignStream,
          `cannot create stream ${name}: another stream already captures its subjects (${text}); ordo will not write to it`,
        )
      }
      if (e instanceof JetStreamApiError && (e.code === 10058 || /already in use/i.test(text))) continue // created meanwhile: validate it
      if (isTransientJsError(e) && Date.now() < deadline) {
        await sleep(Math.min(100 * 2 ** attempt, 1000))
        continue
      }
      if (e instanceof JetStreamApiError && /insufficient resources|no suitable peers/i.test(text)) {
        throw new ClusterError(
          ClusterErrorCode.streamMismatch,
          `cannot create stream ${name} with ${o.replicas} replicas: ${text}; a replicated log needs at least ${o.replicas} nats-servers with JetStream in one cluster`,
        )
      }
      throw new ClusterError(ClusterErrorCode.streamMismatch, `cannot create stream ${name}: ${text}`, { cause: e })
    }
  }
}

/**
 * Probes the URLs, connects, and opens (creating if needed) the cluster's log and node-claim streams.
 * Throws ClusterConnectError for bad/unreachable/old/JetStream-less servers, ClusterError(foreignStream) for a
 * stream that is someone else's, ClusterError(streamMismatch) for an unsafe ordo stream. Nothing is written
 * to a stream that fails a check.
 */
export async function openLog(opts: OpenLogOptions): Promise<ClusterLog> {
  const names = clusterNames(opts.cluster)
  const replicas = opts.replicas ?? 3
  if (![1, 3, 5].includes(replicas)) {
    throw new ClusterError(ClusterErrorCode.badArgument, `replicas must be 1, 3 or 5: replicas=${String(replicas)}`)
  }
  const connectTimeoutMs = opts.connectTimeoutMs ?? 3000
  const probe = await probeServers(opts.urls, connectTimeoutMs)
  let nc: NatsConnection
  try {
    nc = await connect({
      servers: [...opts.urls],
      timeout: connectTimeoutMs,
      name: opts.connectionName ?? `ordo-${names.cluster}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // A server that stops answering (SIGSTOP, a partition) is noticed after ~pingInterval * maxPingOut;
      // the default (2 min) would keep a node talking to a frozen server for minutes.
      pingInterval: 2000,
      maxPingOut: 2,
    })
  } catch (e) {
    const problems: UrlProblem[] = opts.urls.map((url) => ({ url, reason: e instanceof Error ? e.message : String(e) }))
    throw new ClusterConnectError(ClusterErrorCode.unreachable, `could not connect to NATS at ${opts.urls.join(',')}: ${problems[0]?.reason ?? ''}`, problems)
  }
  try {
    const version = nc.info?.version ?? ''
    if (!versionAtLeast(version, MIN_SERVER_VERSION)) {
      throw new ClusterConnectError(
        ClusterErrorCode.serverTooOld,
        `connected nats-server runs ${version}; cluster mode needs ${MIN_SERVER_VERSION} or newer: upgrade the servers`,
        [{ url: nc.getServer(), reason: `version ${version}` }],
      )
    }
    watchConnection(nc, opts.onConnectionEvent)
    const jsm = await jetstreamManager(nc, { timeout: opts.apiTimeoutMs ?? 5000, checkAPI: false })
    const o = {
      replicas,
      duplicateWindowMs: opts.duplicateWindowMs ?? 120_000,
      claimTtlMs: opts.claimTtlMs ?? 10_000,
      create: opts.create ?? true,
      createDeadlineMs: opts.createDeadlineMs ?? 15_000,
    }
    await ensureStream(jsm, names, 'log', o)
    await ensureStream(jsm, names, 'nodes', o)
    return new ClusterLog(names, nc, jsm, probe, replicas, o.claimTtlMs)
  } catch (e) {
    await nc.close().catch(() => undefined)
    throw e
  }
}

function watchConnection(nc: NatsConnection, onEvent: OpenLogOptions['onConnectionEvent']): void {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') onEvent?.({ type: 'disconnect', server: s.server, detail: '' })
      else if (s.type === 'reconnect') {
        const version = nc.info?.version ?? ''
        if (!versionAtLeast(version, MIN_SERVER_VERSION)) {
          // Refuse to go on through a server that cannot be trusted with the log.
          onEvent?.({ type: 'error', server: s.server, detail: `reconnected to nats-server ${version}, older than ${MIN_SERVER_VERSION}: closing` })
          await nc.close()
          return
        }
        onEvent?.({ type: 'reconnect', server: s.server, detail: version })
      } else if (s.type === 'error') onEvent?.({ type: 'error', server: '', detail: String(s.error) })
    }
  })().catch(() => undefined)
}
