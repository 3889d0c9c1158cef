// The benchmark's ordo server: the engine and the gateway as `ordo start` runs them (same
// defaults, uWebSockets.js when a build loads), plus a stage trace (engine/trace/) that the
// runner switches on for each run and reads back. Its own process, like a deployed server.
//
//   node ordo-server.js '{"dir":"/tmp/x","durability":"async"}'   prints {"ready":{"url":..}}
//   stdin: "trace on"          forget earlier records, start sampling ("trace gc": GC pauses only)
//          "trace off <file>"  stop sampling, write the records (f64 rows: stage, first, last, time)
//                              to <file>, print {"traced":{records, dropped, gc}}
//          "heap start" / "heap stop <file>"  sample allocations of the main thread (collected
//                              objects included) and write a .heapprofile
//   closing stdin stops the server.

import { writeFileSync } from 'node:fs'
import { Engine } from '../../engine/engine.js'
import { StageTrace } from '../../engine/trace/stage-trace.js'
import { GatewayServer } from '../../gateway/server.js'
import { emit, onCommand } from '../compare/procs/child.js'
import { GcLog } from './gc-log.js'
import { monotonicMs } from '../../engine/trace/monotonic-clock.js'
import { HeapSampler } from './heap-sampler.js'

interface Args {
  dir: string
  durability: 'async' | 'fsync' | 'memory'
  /** Engine options to try (idleSpins, ...), as EngineOptions takes them. */
  engine?: Record<string, number>
}

const a = JSON.parse(process.argv[2]!) as Args
const trace = StageTrace.create(1 << 20)
const engine = await Engine.open({ dataDir: a.dir, durability: a.durability, stageTrace: trace, ...(a.engine ?? {}) })
const server = await GatewayServer.start(engine, { port: 0, ui: false })
const gc = new GcLog()
let since = 0

emit({ ready: { url: server.url, transport: server.transportImplementation } })
const sampler = new HeapSampler()
onCommand((line) => {
  const [cmd, arg, file] = line.split(' ')
  if (cmd === 'heap') {
    void heapCommand(arg!, file)
    return
  }
  if (cmd !== 'trace') return
  if (arg === 'on' || arg === 'gc') {
    // "trace gc": a run with the stage trace left off (GC pauses only), to see what tracing costs.
    trace.enable(false)
    trace.reset()
    since = monotonicMs()
    trace.enable(arg === 'on')
    emit({ tracing: arg === 'on' })
  } else if (arg === 'off') {
    trace.enable(false)
    const { records, dropped } = trace.read()
    writeFileSync(file!, records)
    emit({ traced: { records: records.length / 4, dropped, gc: gc.since(since) } })
  }
})
process.stdin.on('close', () => {
  void server.close({ closeEngine: () => engine.close() }).then(() => process.exit(0))
})

/** "heap start": sample allocations, collected ones included; "heap stop <file>": write the profile (.heapprofile). */
async function heapCommand(arg: string, file: string | undefined): Promise<void> {
  if (arg === 'start') await sampler.start()
  else await sampler.stop(file!)
  emit({ heap: arg })
}
