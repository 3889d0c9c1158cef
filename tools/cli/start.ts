// `ordo start`: opens the engine on a data directory and serves the gateway on
// one port, in the foreground, until SIGTERM or SIGINT (graceful: in-flight
// publishes answered, journal synced, clients told GOING_AWAY). Logs go to
// stdout: JSON lines when it is not a terminal, readable lines when it is.

import { onStopSignals } from './stop-signals.js'
import { resolve } from 'node:path'
import { Engine } from '../../engine/engine.js'
import type { Durability, EngineOptions } from '../../engine/types.js'
import { ORDO_VERSION } from '../../engine/version.js'
import { GatewayServer } from '../../gateway/server.js'
import { parseTransportChoice, TransportError, type TransportChoice } from '../../gateway/transport/select-transport.js'
import { createLogger, isLogFormat, isLogLevel, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../../gateway/log/create-logger.js'
import { CommandError, parseBytes, parseDuration, parseInteger, UsageError, type Command } from './common.js'
import { flagHelp, parseFlags, type FlagSpec } from './env-options.js'
import { runClusterStart } from './start-cluster.js'

const FLAGS = {
  port: { type: 'string', arg: 'PORT', help: 'port (default 7070; 0 picks a free one)' },
  host: { type: 'string', arg: 'HOST', help: 'interface (default 127.0.0.1; 0.0.0.0 for all)' },
  data: { type: 'string', arg: 'DIR', help: 'data directory (default ./data)' },
  durability: {
    type: 'string',
    arg: 'MODE',
    help: 'fsync (default: ack after fsync, group commit),\nasync (ack after write, fsync every few ms),\nmemory (no journal; tests and benchmarks only)',
  },
  secret: {
    type: 'string',
    arg: 'SECRET',
    help: 'token secret; prefer the variable (a flag shows in ps). Without one\nthe server runs open: every client may do everything',
  },
  'max-payload': { type: 'string', arg: 'BYTES', help: 'largest message payload (default 1048576)' },
  'max-connections': { type: 'string', arg: 'N', help: 'most WebSocket connections (default 100000)' },
  'send-buffer-high': { type: 'string', arg: 'BYTES', help: "slow consumer: a connection's subscriptions pause above this\nmuch unsent data (default 1048576) and catch up later" },
  'slow-consumer-timeout': { type: 'string', arg: 'DUR', help: 'slow consumer: a connection paused this long is closed with\nSLOW_CONSUMER naming the gsn to resume from (default 30s)' },
  'retention-bytes': { type: 'string', arg: 'SIZE', help: 'retention: delete the oldest whole segments while the journal\nis larger than this (e.g. 10GiB; default: keep everything), but\nnone a durable subscription has not acknowledged' },
  'retention-age': { type: 'string', arg: 'DUR', help: 'retention: delete whole segments last written longer ago than\nthis (e.g. 7d; default: keep everything), but none a durable\nsubscription has not acknowledged' },
  'retention-max-bytes': { type: 'string', arg: 'SIZE', help: 'retention cap: above this the oldest segments go even when durable\nsubscriptions still need them (they get RETAINED_AWAY naming the\noldest gsn kept; default: no cap)' },
  'retention-max-age': { type: 'string', arg: 'DUR', help: 'retention cap on age, likewise (default: no cap)' },
  'durable-idle-expiry': { type: 'string', arg: 'DUR', help: 'a durable subscription with no consumer for this long is deleted,\nso it stops holding retention back (default 7d)' },
  'segment-bytes': { type: 'string', arg: 'SIZE', help: 'journal segment size, the unit retention deletes (default 256MiB)' },
  transport: {
    type: 'string',
    arg: 'T',
    help: 'auto (default): uWebSockets.js when a build works on this Node and\nlibc, else the ws package with a notice; uws: uWebSockets.js or fail;\nws: the ws package on node:http (slower)',
  },
  'cors-origin': { type: 'string', arg: 'LIST', help: "origins allowed to call the HTTP API from a browser page on another\norigin: '*' or a comma list like https://ops.example.com (default: none)" },
  'no-ui': { type: 'boolean', help: 'do not serve the dashboard at /ui' },
  'log-level': { type: 'string', arg: 'LEVEL', help: `${LOG_LEVELS.join(', ')} (default info; debug adds\nconnection accepts and slow-consumer pauses)` },
  'log-format': { type: 'string', arg: 'FORMAT', help: `${LOG_FORMATS.join(', ')} (default auto: readable lines on a terminal,\nJSON lines otherwise)` },
  quiet: { type: 'boolean', help: 'log errors only (same as --log-level error)' },
  cluster: { type: 'string', arg: 'NATS_URLS', help: 'join a cluster: comma list of nats:// URLs of a JetStream cluster\n(nats-server 2.10 or newer); durability becomes replicated' },
  node: { type: 'string', arg: 'NAME', help: 'cluster: this node\'s name, unique in the cluster' },
  'cluster-name': { type: 'string', arg: 'NAME', help: 'cluster: the cluster\'s name (its log is the stream ORDO_<NAME>;\ndefault ordo)' },
  'advertise-url': { type: 'string', arg: 'URL', help: 'cluster: the WebSocket URL clients reach this node at (default\nws://HOST:PORT/); NOT_LEADER answers and Welcome name it' },
  'failover-timeout': { type: 'string', arg: 'DUR', help: 'cluster: leader silence before a follower takes over (default 1s)' },
} as const satisfies Record<string, FlagSpec>

const help = `Usage: ordo start [options]

Starts the engine and the gateway in the foreground: WebSocket at ws://HOST:PORT/,
and on the same port GET|HEAD /health, GET /metrics, POST /publish, the admin API
(GET /api/stats, /api/groups, /api/subscribers, /api/connections, /api/durables) and the live
dashboard at /ui. /health answers 200 once ready. SIGTERM or SIGINT stop it
gracefully; after kill -9 it restarts on the same directory and port, and every
acknowledged message is still there.

Every option can also be set in the environment (the command line wins):

${flagHelp(FLAGS)}

Logs: one line per event on stdout (start-up, connections with the token's
subject, auth failures, slow consumers, retention, journal failures, shutdown
steps); never a token or the secret.`

/** Opens the engine (engine/engine.ts) with the CLI's options. */
export function openEngine(options: EngineOptions): Promise<Engine> {
  return Engine.open(options)
}

const DURABILITIES: readonly string[] = ['fsync', 'async', 'memory']

export const startCommand: Command = {
  name: 'start',
  summary: 'start the engine and the gateway (WebSocket + HTTP on one port, default 7070, data in ./data)',
  help,
  async run(argv) {
    const flags = parseFlags('start', argv, FLAGS, help)
    if (flags === null) return 0
    const { given, values, str } = flags
    const port = parseInteger('--port', str('port'), 7070, 0, 65535)
    const host = str('host') ?? '127.0.0.1'
    const dataDir = resolve(str('data') ?? './data')
    const durability = str('durability') ?? 'fsync'
    if (!DURABILITIES.includes(durability)) throw new UsageError(`ordo start: bad --durability ${JSON.stringify(durability)}: one of fsync, async, memory`)
    const secret = str('secret')
    const maxPayload = parseInteger('--max-payload', str('max-payload'), 1024 * 1024, 0, 64 * 1024 * 1024)
    const maxConnections = parseInteger('--max-connections', str('max-connections'), 100_000, 1)
    const sendBufferHighBytes = parseInteger('--send-buffer-high', str('send-buffer-high'), 1024 * 1024, 1024)
    const slowConsumerTimeoutMs = str('slow-consumer-timeout') === undefined ? 30_000 : parseDuration('--slow-consumer-timeout', str('slow-consumer-timeout')!)
    // --retention-bytes/-age are the engine's maxBytes/maxAgeMs (held back by durable
    // subscriptions); --retention-max-bytes/-age are its caps capBytes/capAgeMs (they win).
    const retentionMaxBytes = str('retention-bytes') === undefined ? undefined : parseBytes('--retention-bytes', str('retention-bytes')!)
    const retentionMaxAgeMs = str('retention-age') === undefined ? undefined : parseDuration('--retention-age', str('retention-age')!)
    const retentionCapBytes = str('retention-max-bytes') === undefined ? undefined : parseBytes('--retention-max-bytes', str('retention-max-bytes')!)
    const retentionCapAgeMs = str('retention-max-age') === undefined ? undefined : parseDuration('--retention-max-age', str('retention-max-age')!)
    const durableIdleExpiryMs = str('durable-idle-expiry') === undefined ? undefined : parseDuration('--durable-idle-expiry', str('durable-idle-expiry')!)
    const segmentBytes = str('segment-bytes') === undefined ? undefined : parseBytes('--segment-bytes', str('segment-bytes')!)
    const corsOrigins = (str('cors-origin') ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    const level = values.quiet === true ? 'error' : (str('log-level') ?? 'info')
    if (!isLogLevel(level)) throw new UsageError(`ordo start: bad --log-level ${JSON.stringify(level)}: one of ${LOG_LEVELS.join(', ')}`)
    const format = str('log-format') ?? 'auto'
    if (!isLogFormat(format)) throw new UsageError(`ordo start: bad --log-format ${JSON.stringify(format)}: one of ${LOG_FORMATS.join(', ')}`)
    const log = createLogger({ level: level as LogLevel, format: format as LogFormat })
    const limits = { maxBytes: retentionMaxBytes, maxAgeMs: retentionMaxAgeMs, capBytes: retentionCapBytes, capAgeMs: retentionCapAgeMs }
    const retention = Object.values(limits).every((v) => v === undefined) ? undefined : limits
    let transport: TransportChoice
    try {
      transport = parseTransportChoice(str('transport'), given.transport !== undefined ? '--transport' : 'ORDO_TRANSPORT')
    } catch (err) {
      throw new UsageError(`ordo start: ${(err as Error).message}`)
    }

    const gatewayOptions = {
      host, port, secret, transport, logger: log, corsOrigins, ui: values['no-ui'] !== true,
      limits: { maxPayload, maxConnections, sendBufferHighBytes, sendBufferLowBytes: Math.floor(sendBufferHighBytes / 4), slowConsumerTimeoutMs },
      // The slower-transport notice is a warning: stderr, even with --quiet.
      warn: (text: string) => process.stderr.write(text.split('\n').map((l) => `ordo: ${l}\n`).join('')),
    }
    if (str('cluster') !== undefined) {
      if (given.durability !== undefined) throw new UsageError('ordo start: --durability does not go with --cluster (a cluster node acknowledges what the cluster committed: durability replicated)')
      const node = str('node')
      if (node === undefined) throw new UsageError('ordo start: --cluster needs --node NAME (this node\'s name, unique in the cluster)')
      const advertise = str('advertise-url') ?? (port === 0 ? undefined : `ws://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`)
      if (advertise === undefined) throw new UsageError('ordo start: --cluster with --port 0 needs --advertise-url (clients are sent to the leader by its URL)')
      const failoverTimeoutMs = str('failover-timeout') === undefined ? 1000 : parseDuration('--failover-timeout', str('failover-timeout')!)
      return runClusterStart({
        natsUrls: str('cluster')!.split(',').map((u) => u.trim()).filter((u) => u.length > 0),
        cluster: str('cluster-name') ?? 'ordo', node, url: advertise, dataDir, failoverTimeoutMs,
        engine: { maxPayload, retention, segmentBytes, logger: log }, gateway: gatewayOptions, log,
      })
    }

    log.info(
      { event: 'start', version: ORDO_VERSION, node: process.version, transport, host, port, dataDir, durability, retention: retention ?? null, logLevel: level },
      `ordo ${ORDO_VERSION} starting`,
    )
    let engine: Engine
    try {
      engine = await openEngine({ dataDir, durability: durability as Durability, maxPayload, retention, segmentBytes, durableIdleExpiryMs, logger: log })
    } catch (err) {
      log.fatal({ event: 'engine_open_failed', dataDir, err: err instanceof Error ? err.message : String(err) }, 'cannot open the engine')
      if (err instanceof CommandError) throw err
      const code = (err as { code?: string }).code ?? 'ENGINE_OPEN_FAILED'
      throw new CommandError(code, `cannot open the engine on ${dataDir}: ${err instanceof Error ? err.message : String(err)}`)
    }
    let server: GatewayServer
    try {
      server = await GatewayServer.start(engine.port, gatewayOptions)
    } catch (err) {
      await engine.close().catch(() => {})
      if (err instanceof TransportError) {
        log.fatal({ event: 'transport_failed', code: err.code, err: err.message }, 'no transport')
        throw new CommandError(err.code, err.message)
      }
      log.fatal({ event: 'listen_failed', host, port, err: err instanceof Error ? err.message : String(err) }, 'cannot listen')
      throw new CommandError('LISTEN_FAILED', err instanceof Error ? err.message : String(err))
    }
    log.info(
      { event: 'listening', url: server.url, port: server.port, host, transport: server.transportName, implementation: server.transportImplementation },
      `listening on ${server.url}`,
    )
    log.info({ event: 'http', endpoints: ['/health', '/metrics', '/publish', '/api/stats', '/api/groups', '/api/subscribers', '/api/connections', ...(values['no-ui'] === true ? [] : ['/ui'])], cors: corsOrigins }, `HTTP on the same port: dashboard at http://${host}:${server.port}/ui`)
    if (server.authOpen) log.warn({ event: 'auth', mode: 'open' }, 'auth: OPEN MODE (no secret): every client may publish and subscribe to every group; set ORDO_SECRET to require tokens')
    else log.info({ event: 'auth', mode: 'token' }, 'auth: tokens required (HMAC-SHA256; mint them with ordo token)')
    log.info({}, 'ready')

    await new Promise<void>((done) => {
      const again = (signal: string): void => {
        log.warn({ event: 'shutdown', signal }, `${signal} again: exiting without a clean shutdown`)
        process.exit(130)
      }
      const stop = (signal: string) => {
        log.info({ event: 'shutdown', signal }, `${signal}: shutting down (answering in-flight publishes, syncing the journal)`)
        server
          .close({ closeEngine: () => engine.close() })
          .then(() => {
            log.info({ event: 'stopped', durableGsn: engine.port.durableGsn }, `stopped; durable_gsn=${engine.port.durableGsn}`)
            done()
          })
          .catch((err: unknown) => {
            log.error({ event: 'shutdown_failed', err: err instanceof Error ? err.message : String(err) }, 'shutdown failed')
            process.exitCode = 1
            done()
          })
      }
      onStopSignals(stop, again)
    })
    // Everything is closed; do not let a stray handle keep a stopped server's process alive.
    setTimeout(() => process.exit(), 2000).unref()
    return 0
  },
}
