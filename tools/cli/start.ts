// `ordo start`: opens the engine on a data directory and serves the gateway on
// one port, in the foreground, until SIGTERM or SIGINT (graceful: in-flight
// publishes answered, journal synced, clients told GOING_AWAY).

import { resolve } from 'node:path'
import { Engine } from '../../engine/engine.js'
import type { Durability, EngineOptions } from '../../engine/types.js'
import { GatewayServer } from '../../gateway/server.js'
import { CommandError, parse, parseDuration, parseInteger, UsageError, type Command } from './common.js'

const help = `Usage: ordo start [options]

Starts the engine and the gateway in the foreground: WebSocket at ws://HOST:PORT/,
and GET /health, GET /metrics, POST /publish on the same port. Prints where it
listens and its data directory; /health answers 200 once ready. SIGTERM or
SIGINT stop it gracefully; after kill -9 it restarts on the same directory and
port, and every acknowledged message is still there.

Options:
  --port PORT            port (default 7070; 0 picks a free one)
  --host HOST            interface (default 127.0.0.1; 0.0.0.0 for all)
  --data DIR             data directory (default ./data)
  --durability MODE      fsync (default: ack after fsync, group commit),
                         async (ack after write, fsync every few ms),
                         memory (no journal; tests and benchmarks only)
  --secret SECRET        token secret (default: env ORDO_SECRET); without one the
                         server runs open: every client may publish and subscribe to all groups
  --max-payload BYTES    largest message payload (default 1048576)
  --max-connections N    most WebSocket connections (default 100000)
  --send-buffer-high BYTES      slow consumer: a connection's subscriptions pause above
                                this much unsent data (default 1048576) and catch up later
  --slow-consumer-timeout DUR   slow consumer: a connection paused this long is closed with
                                SLOW_CONSUMER naming the gsn to resume from (default 30s)
  --quiet                no log lines except errors`

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
    const { values } = parse(
      'start',
      argv,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        durability: { type: 'string' },
        secret: { type: 'string' },
        'max-payload': { type: 'string' },
        'max-connections': { type: 'string' },
        'send-buffer-high': { type: 'string' },
        'slow-consumer-timeout': { type: 'string' },
        quiet: { type: 'boolean' },
      },
      false,
    )
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const port = parseInteger('--port', values.port, 7070, 0, 65535)
    const host = values.host ?? '127.0.0.1'
    const dataDir = resolve(values.data ?? './data')
    const durability = values.durability ?? 'fsync'
    if (!DURABILITIES.includes(durability)) throw new UsageError(`ordo start: bad --durability ${JSON.stringify(durability)}: one of fsync, async, memory`)
    const secret = values.secret ?? process.env.ORDO_SECRET
    const maxPayload = parseInteger('--max-payload', values['max-payload'], 1024 * 1024, 0, 64 * 1024 * 1024)
    const maxConnections = parseInteger('--max-connections', values['max-connections'], 100_000, 1)
    const sendBufferHighBytes = parseInteger('--send-buffer-high', values['send-buffer-high'], 1024 * 1024, 1024)
    const slowConsumerTimeoutMs = values['slow-consumer-timeout'] === undefined ? 30_000 : parseDuration('--slow-consumer-timeout', values['slow-consumer-timeout'])
    const quiet = values.quiet === true
    const log = (line: string) => {
      if (!quiet) process.stdout.write(`ordo: ${line}\n`)
    }

    let engine: Engine
    try {
      engine = await openEngine({ dataDir, durability: durability as Durability, maxPayload })
    } catch (err) {
      if (err instanceof CommandError) throw err
      const code = (err as { code?: string }).code ?? 'ENGINE_OPEN_FAILED'
      throw new CommandError(code, `cannot open the engine on ${dataDir}: ${err instanceof Error ? err.message : String(err)}`)
    }
    log(durability === 'memory' ? 'engine: memory mode, NOTHING is written to disk (tests and benchmarks only)' : `engine: data=${dataDir}, durability=${durability}, durable_gsn=${engine.durableGsn}`)
    let server: GatewayServer
    try {
      server = await GatewayServer.start(engine.port, { host, port, secret, limits: { maxPayload, maxConnections, sendBufferHighBytes, sendBufferLowBytes: Math.floor(sendBufferHighBytes / 4), slowConsumerTimeoutMs }, log })
    } catch (err) {
      await engine.close().catch(() => {})
      throw new CommandError('LISTEN_FAILED', err instanceof Error ? err.message : String(err))
    }
    log(`listening on ${server.url} (HTTP: /health /metrics /publish on the same port)`)
    log(server.authOpen ? 'auth: OPEN MODE (no secret): every client may publish and subscribe to every group; set --secret or ORDO_SECRET to require tokens' : 'auth: tokens required (HMAC-SHA256; mint them with ordo token)')
    log('ready')

    await new Promise<void>((done) => {
      let stopping = false
      const stop = (signal: string) => {
        if (stopping) {
          process.stderr.write(`ordo: ${signal} again: exiting without a clean shutdown\n`)
          process.exit(130)
        }
        stopping = true
        log(`${signal}: shutting down (answering in-flight publishes, syncing the journal)`)
        server
          .close({ closeEngine: () => engine.close() })
          .then(() => {
            log(`stopped; durable_gsn=${engine.durableGsn}`)
            done()
          })
          .catch((err: unknown) => {
            process.stderr.write(`ordo: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`)
            process.exitCode = 1
            done()
          })
      }
      process.on('SIGTERM', () => stop('SIGTERM'))
      process.on('SIGINT', () => stop('SIGINT'))
    })
    // Everything is closed; do not let a stray handle keep a stopped server's process alive.
    setTimeout(() => process.exit(), 2000).unref()
    return 0
  },
}
