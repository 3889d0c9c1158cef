// A development command that runs one peer runner alone (the real comparison is bench/compare/run-compare.ts):
//
//   node dist/bench/compare/jetstream.js [--quick] [--messages N] [--publishers P] [--subscribers S] [--groups G]
//                                        [--payload BYTES] [--rate MSG_PER_S] [--seconds S] [--dir PARENT] [--json]
//   node dist/bench/compare/redis.js     (same flags)
//
// Defaults: 1 publisher → 1 subscriber, 100 B, 1 group, 200 000 messages, latency 5 s at 5 000 msg/s; --quick makes
// it 50 000 messages and 2 s of latency; --dir is where the server keeps its data (default the OS temp dir). Progress goes to stderr, one summary line per row to stdout (--json: the
// rows as one JSON line).

import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import type { SystemResult, SystemRunner, Workload } from './workload.js'

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1]
}

function positiveInt(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer: got ${raw}`)
  return n
}

export function summaryLine(r: SystemResult): string {
  const t = r.throughput
  const k = (n: number | null): string => (n === null ? '-' : `${Math.round(n / 1000)}k/s`)
  const lat = r.latency === null
    ? 'latency -'
    : `latency @${r.latency.offered_per_s}/s p50 ${r.latency.p50_us} µs, p99 ${r.latency.p99_us} µs, p99.9 ${r.latency.p999_us} µs, max ${r.latency.max_us} µs (${r.latency.samples} samples)`
  const cpu = r.server.cpu_s === null ? '-' : `${r.server.cpu_s.toFixed(1)} s`
  const rss = r.server.peak_rss_bytes === null ? '-' : `${Math.round(r.server.peak_rss_bytes / 2 ** 20)} MiB`
  return `${r.key}: published ${k(t.published_per_s)}, acked ${k(t.acked_per_s)}, delivered ${k(t.delivered_per_s)} ` +
    `(${t.messages} msgs); ${lat}; server CPU ${cpu}, peak RSS ${rss}; check ${r.check.ok ? 'ok' : 'FAILED: ' + r.check.problems.join('; ')}`
}

export async function runPeerCli(runner: SystemRunner): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      messages: { type: 'string' },
      publishers: { type: 'string' },
      subscribers: { type: 'string' },
      groups: { type: 'string' },
      payload: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      dir: { type: 'string' },
    },
  })
  const w: Workload = {
    publishers: positiveInt('publishers', values.publishers, 1),
    subscribers: positiveInt('subscribers', values.subscribers, 1),
    payloadBytes: positiveInt('payload', values.payload, 100),
    groups: positiveInt('groups', values.groups, 1),
    messages: positiveInt('messages', values.messages, values.quick ? 50_000 : 200_000),
    latencyRate: positiveInt('rate', values.rate, 5000),
    latencySeconds: positiveInt('seconds', values.seconds, values.quick ? 2 : 5),
    quick: values.quick,
    ...(values.dir !== undefined ? { dir: values.dir } : {}),
  }
  const rows = await runner.run(w, (line) => process.stderr.write(line + '\n'))
  if (values.json) console.log(JSON.stringify(rows))
  else for (const r of rows) console.log(summaryLine(r))
  if (rows.some((r) => !r.check.ok)) process.exitCode = 1
}
