// ordo embedded in the comparison: rows 'ordo-embedded' (async durability, the row compared with the peers) and
// 'ordo-embedded-memory' (durability memory: no journal, like the bare SharedArrayBuffer ring it is measured
// against). The engine runs in a child process (procs/ordo-embedded-proc.js) with its publisher threads and one
// subscriber, data under --dir;
// this module starts it, relays its progress and turns its report into a SystemResult. The child's CPU and peak
// RSS are the "server" figures (they include the publisher threads and the subscriber: nothing else runs there).

import { tmpdir } from 'node:os'
import { Child } from './procs/child.js'
import type { EmbeddedArgs, EmbeddedResult } from './procs/ordo-embedded-proc.js'
import { UsageMeter } from './proc-usage.js'
import type { Progress, SystemResult, SystemRunner, Workload } from './workload.js'

export const ordoEmbeddedRunner: SystemRunner = {
  name: 'ordo-embedded',
  async run(w: Workload, progress: Progress): Promise<SystemResult[]> {
    return [await runOne(w, progress, 'async'), await runOne(w, progress, 'memory')]
  },
}

async function runOne(w: Workload, progress: Progress, durability: 'async' | 'memory'): Promise<SystemResult> {
  const messages = w.fastMessages ?? w.messages
  const args: EmbeddedArgs = {
    dir: w.dir ?? tmpdir(),
    publishers: w.publishers,
    groups: w.groups,
    payloadBytes: w.payloadBytes,
    messages,
    latencyRate: w.latencyRate,
    latencySeconds: w.latencySeconds,
    warmupMs: w.quick ? 500 : 1000,
    durability,
  }
  progress(`ordo-embedded: engine + ${w.publishers} publisher thread(s) + 1 subscriber in a child process, ${durability} durability`)
  const child = Child.start('ordo-embedded', './ordo-embedded-proc.js', args)
  try {
    const meter = new UsageMeter(child.pid)
    child.onProgress = (m) => progress(`ordo-embedded: ${String(m.progress)}`)
    const r = (await child.next('result', 300_000)).result as EmbeddedResult
    const usage = meter.finish()
    return {
      key: durability === 'async' ? 'ordo-embedded' : 'ordo-embedded-memory',
      label: durability === 'async' ? 'ordo embedded' : 'ordo embedded, memory',
      durability: durability === 'async' ? 'OS page cache before ack; fsync every 20 ms' : 'none (durability memory: no journal)',
      throughput: { published_per_s: r.published_per_s, acked_per_s: r.acked_per_s, delivered_per_s: r.delivered_per_s, messages: r.window_messages },
      latency: { offered_per_s: w.latencyRate, samples: r.samples, p50_us: r.p50_us, p99_us: r.p99_us, p999_us: r.p999_us, max_us: r.max_us },
      server: usage,
      check: { ok: r.problems.length === 0, problems: r.problems },
      notes: [
        `Engine.open in a child process; ${w.publishers} publisher thread(s) write straight into their ingress rings (RingPublisher, batches of 256); 1 subscriber on the main thread`,
        `throughput over a window of ${r.window_messages} delivered messages after a warm-up (${r.offered} offered in all): published = sequenced/s, acked = durable (written) watermark/s, delivered = subscriber/s`,
        `latency: 1 publisher thread paced at ${w.latencyRate} msg/s by intended send time; subscriber subscribes to every group`,
        'server CPU/RSS: the whole embedding process (engine threads, publisher threads and subscriber)',
        'subscriber checks every message: gsn dense, each publisher\'s pseqs consecutive, payload length; all offered messages delivered',
      ],
    }
  } finally {
    await child.stop(5000)
  }
}
