// Publish throughput through the client library, acknowledged, one connection, the server in its own process.
//
//   publisher process (bench/compare/procs/ordo-client-pub.js) ──ws──▶ `ordo start --durability async` (own process)
//     client.publish() per message / client.send() / client.publishBatch()
//
// Each mode runs `--runs` times against one fresh server; the figure is acknowledged messages per second from
// "go" to the last acknowledgement, the median of the runs is printed beside each run. With --cpu-prof the
// publisher process writes a V8 CPU profile per run (node --cpu-prof) into --prof-dir.
//
//   npm run build && node dist/bench/client-publish-throughput.js [--messages 200000] [--window 2000]
//        [--batch 1000] [--payload 100] [--modes publish,send,batch] [--runs 3] [--durability async]
//        [--mask random|zero] [--cpu-prof] [--prof-dir DIR] [--json]
//
// --mask: the client's frame masking (ConnectOptions.maskFrames): random keys (RFC 6455, the default) or the
// zero key (maskFrames: false, frames sent without a copy).

import os from 'node:os'
import { parseArgs } from 'node:util'
import { BenchServer } from './gateway-server-proc.js'
import { machineBanner } from './lib/machine.js'
import { Child } from './compare/procs/child.js'
import type { OrdoClientPubArgs, OrdoClientPubResult } from './compare/procs/ordo-client-pub.js'
import type { OrdoPubArgs } from './compare/procs/ordo-pub.js'

const { values: v } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    window: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '1000' },
    payload: { type: 'string', default: '100' },
    modes: { type: 'string', default: 'publish,send,batch' },
    runs: { type: 'string', default: '3' },
    durability: { type: 'string', default: 'async' },
    mask: { type: 'string', default: 'random' },
    'cpu-prof': { type: 'boolean', default: false },
    'prof-dir': { type: 'string', default: os.tmpdir() },
    json: { type: 'boolean', default: false },
  },
})
const messages = Number(v.messages)
const window = Number(v.window)
const batch = Number(v.batch)
const payloadBytes = Number(v.payload)
const runs = Number(v.runs)
const modes = v.modes.split(',') as (OrdoClientPubArgs['mode'] | 'pump')[]
for (const m of modes) if (!['publish', 'send', 'batch', 'pump'].includes(m)) throw new Error(`--modes: unknown mode ${m} (publish, send, batch, pump)`)
const durability = v.durability as 'async' | 'fsync' | 'memory'
if (v.mask !== 'random' && v.mask !== 'zero') throw new Error(`--mask: random or zero, not ${v.mask}`)
const maskFrames = v.mask === 'random'

console.log(machineBanner())
console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`)
console.log(`workload: ${messages} x ${payloadBytes} B, one connection, ${window} in flight, batches of ${batch}; server --durability ${durability}; client frames masked with ${maskFrames ? 'random keys' : 'the zero key'}`)

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
const summary: Record<string, number> = {}
const server = await BenchServer.start(durability)
try {
  for (const mode of modes) {
    const rates: number[] = []
    for (let run = 0; run < runs; run++) {
      const nodeArgs = v['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', v['prof-dir'], '--cpu-prof-name', `client-${mode}-${run}.cpuprofile`] : []
      // 'pump': not the client library but the server's ceiling, pre-built frames with pseqs patched in place.
      const child =
        mode === 'pump'
          ? Child.start('template pump', './ordo-pub.js', { url: server.url, index: 0, groups: ['bench.client'], payloadBytes, mode: 'throughput', messages, perFrame: 256, window, rate: 0, seconds: 0 } satisfies OrdoPubArgs, nodeArgs)
          : Child.start(`publisher ${mode}`, './ordo-client-pub.js', { url: server.url, index: 0, groups: ['bench.client'], payloadBytes, mode, messages, window, batch, rate: 0, seconds: 0, maskFrames } satisfies OrdoClientPubArgs, nodeArgs)
      try {
        await child.next('ready', 30_000)
        child.send('go')
        const r = (await child.next('result', 300_000)).result as OrdoClientPubResult
        r.errors ??= []
        const rate = r.acked / ((r.t_acked - r.t_start) / 1000)
        rates.push(rate)
        const problems = r.acked === r.sent ? '' : `; ${r.sent - r.acked} of ${r.sent} not acknowledged`
        process.stderr.write(`${mode} run ${run + 1}/${runs}: ${(rate / 1e3).toFixed(0)} k msg/s acknowledged${problems}${r.errors.length > 0 ? `; errors: ${r.errors.join('; ')}` : ''}\n`)
      } finally {
        await child.stop()
      }
    }
    summary[mode] = median(rates)
    console.log(`${mode.padEnd(8)} median ${(median(rates) / 1e3).toFixed(0)} k msg/s acknowledged (runs: ${rates.map((r) => (r / 1e3).toFixed(0)).join(', ')} k)`)
  }
  if (v['cpu-prof']) console.log(`profiles: ${v['prof-dir']}/client-<mode>-<run>.cpuprofile`)
} finally {
  await server.stop()
}
console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
if (v.json) console.log(JSON.stringify(summary))
