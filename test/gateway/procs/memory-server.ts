// The gateway on the in-memory EnginePort fake, in its own process, printing
// the same lines as `ordo start` (for gateway tests that do not need the real
// engine). Usage: node memory-server.js PORT [SECRET] [LIMITS_JSON]
import { GatewayServer } from '../../../gateway/server.js'
import { MemoryEngine } from '../helpers/memory-engine.js'
import { createLogger } from '../../../gateway/log/create-logger.js'

const port = Number(process.argv[2] ?? 0)
const secret = process.argv[3] ?? ''
const limits = JSON.parse(process.argv[4] ?? '{}') as Record<string, number>
const engine = new MemoryEngine()
const server = await GatewayServer.start(engine, { port, secret, limits, logger: createLogger({ format: 'pretty', color: false }) })
process.stdout.write(`ordo: listening on ${server.url}\nordo: ready\n`)
process.on('SIGTERM', () => {
  void server.close().then(() => setTimeout(() => process.exit(0), 100))
})
