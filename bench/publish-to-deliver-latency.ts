// Publish -> deliver latency through ordo's client library, next to its floor measured in
// the same run: one WebSocket hop through a bare uWebSockets.js relay with the same
// publisher and subscriber processes, the same `ws` package and the same pacing.
//
//   ordo:  pub process ─ client.publish() ─ws─▶ ordo server (engine + gateway, own process) ─ws─▶ sub process
//                                                │ gateway received ▶ ingress ▶ sequencer ▶ journal write
//                                                │ ▶ (durable) ▶ dispatcher ▶ Deliver sent
//   floor: pub process ─ ws.send(Publish) ─ws─▶ bare relay (uWS, no engine)             ─ws─▶ sub process
//
// Open loop: message i is due at t0 + i / rate and latency counts from its due time
// (coordinated omission corrected). Every time is on CLOCK_MONOTONIC, shared by the
// processes (engine/trace/monotonic-clock.ts). ordo's server stamps each stage per run of
// messages (engine/trace/stage-trace.ts); the benchmark joins the stamps by pseq and gsn
// and prints, per stage, the time since due and the time added, and for the messages at
// or above p99, which step was their longest and whether a GC pause overlapped them.
// Runs alternate ordo / relay so both see the same machine; figures are medians of runs.
//
//   node dist/bench/publish-to-deliver-latency.js [--rates 5000,50000] [--runs 3] [--seconds 10]
//        [--warmup 1] [--payload 100] [--durability async|fsync|memory] [--quick] [--json]
//        [--engine idleSpins=200,...] [--no-stages] [--baseline <checkout>]
//        [--server-node-args '--flag ...'] [--client-node-args '--flag ...'] [--server-heap-profile <prefix>]
//        [--client-heap-profile <prefix>] [--no-trace]
//
//   --baseline: a second ordo, built from another checkout (its dist/bench/latency/ servers and
//   client processes), measured in the same runs as a third system ('base'): before/after
//   comparisons on a noisy machine without a quiet moment for each.
//
// The embedded engine's latency and its floor (a bare hop chain with the same threads) are in
// engine-bench.js (--latency-runs).
//
// Progress goes to stderr, results to stdout; --json ends with one JSON line.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Child } from './compare/procs/child.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'
import { analyzeRun, type Percentiles, type RunFigures } from './latency/stage-join.js'
import type { GcPause } from './latency/gc-log.js'
import type { PubArgs } from './latency/pub.js'
import type { SubArgs } from './latency/sub.js'
import { printStages, summarize, type SystemSummary } from './latency/latency-report.js'

const { values } = parseArgs({
  options: {
    rates: { type: 'string' },
    runs: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    payload: { type: 'string' },
    durability: { type: 'string' },
    engine: { type: 'string' },
    quick: { type: 'boolean' },
    json: { type: 'boolean' },
    'no-stages': { type: 'boolean' },
    'server-heap-profile': { type: 'string' },
    'client-heap-profile': { type: 'string' },
    'no-trace': { type: 'boolean' },
    baseline: { type: 'string' },
    'server-node-args': { type: 'string' },
    'client-node-args': { type: 'string' },
    'base-server-node-args': { type: 'string' },
    'base-client-node-args': { type: 'string' },
  },
})
const quick = values.quick === true
const rates = (values.rates ?? '5000,50000').split(',').map(Number)
const runs = Number(values.runs ?? (quick ? 2 : 3))
const seconds = Number(values.seconds ?? (quick ? 4 : 10))
const warmupMs = Number(values.warmup ?? 1) * 1000
const payloadBytes = Number(values.payload ?? 100)
const durability = (values.durability ?? 'async') as 'async' | 'fsync' | 'memory'
const engineOptions: Record<string, number> = {}
for (const kv of (values.engine ?? '').split(',').filter((s) => s !== '')) {
  const [k, v] = kv.split('=')
  engineOptions[k!] = Number(v)
}
for (const r of rates) if (!(r > 0)) throw new Error(`bad --rates: ${values.rates}: positive msg/s, comma separated`)
if (!(runs >= 1) || !(seconds > 0)) throw new Error('bad --runs or --seconds: positive numbers')

/** Extra node flags for the servers and the client processes (experiments: GC settings, profiling). */
const serverNodeArgs = (values['server-node-args'] ?? '').split(' ').filter((x) => x !== '')
const clientNodeArgs = (values['client-node-args'] ?? '').split(' ').filter((x) => x !== '')
const words = (v: string | undefined): string[] => (v ?? '').split(' ').filter((x) => x !== '')
/** The baseline's own flags when given (an A/B of flags on one build: --baseline . --base-server-node-args ...). */
const serverArgsOf = (s: System): string[] => (s === 'base' && values['base-server-node-args'] !== undefined ? words(values['base-server-node-args']) : serverNodeArgs)
const clientArgsOf = (s: System): string[] => (s === 'base' && values['base-client-node-args'] !== undefined ? words(values['base-client-node-args']) : clientNodeArgs)
const progress = (s: string): void => void process.stderr.write(`${s}\n`)
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ')

type System = 'ordo' | 'relay' | 'base'

/** Where a system's processes come from: this build, or the baseline checkout's. */
function procScript(system: System, name: string): string {
  if (system === 'base') return pathToFileURL(join(resolve(values.baseline!), 'dist/bench/latency', name)).href
  return `../../latency/${name}`
}

interface RunResult {
  system: System
  rate: number
  load: string
  figures: RunFigures
  problems: string[]
}

const dir = mkdtempSync(join(tmpdir(), 'ordo-latency-'))
const servers: Child[] = []
const results: RunResult[] = []

async function startServer(kind: System): Promise<{ child: Child; url: string; transport: string }> {
  const child =
    kind === 'relay'
      ? Child.start('bare relay', procScript(kind, 'relay-server.js'), {}, serverNodeArgs)
      : Child.start(`${kind} server`, procScript(kind, 'ordo-server.js'), { dir: join(dir, `data-${kind}`), durability, engine: engineOptions }, serverArgsOf(kind))
  servers.push(child)
  const m = (await child.next('ready', 30_000)).ready as { url: string; transport: string }
  return { child, url: m.url, transport: m.transport }
}

async function runOnce(system: System, server: { child: Child; url: string }, rate: number, index: number): Promise<RunResult> {
  const tag = `${system}-${rate}-${index}`
  const capacity = Math.ceil(rate * (seconds + warmupMs / 1000)) + 2
  const mode = system === 'relay' ? 'raw' : 'client'
  const clientHeap = values['client-heap-profile']
  const subArgs: SubArgs = { mode, url: server.url, capacity, waitMs: 15_000, dump: join(dir, `${tag}.sub`), ...(clientHeap === undefined ? {} : { heapProfile: `${clientHeap}-${tag}-sub.heapprofile` }) }
  const pubArgs: PubArgs = { mode, url: server.url, rate, seconds, warmupMs, payloadBytes, dump: join(dir, `${tag}.pub`), ...(clientHeap === undefined ? {} : { heapProfile: `${clientHeap}-${tag}-pub.heapprofile` }) }
  const sub = Child.start(`${tag} subscriber`, procScript(system, 'sub.js'), subArgs, clientArgsOf(system))
  const pub = Child.start(`${tag} publisher`, procScript(system, 'pub.js'), pubArgs, clientArgsOf(system))
  try {
    await sub.next('ready', 30_000)
    await pub.next('ready', 30_000)
    const heapFile = system !== 'relay' && values['server-heap-profile'] !== undefined ? `${values['server-heap-profile']}-${rate}-${index}.heapprofile` : null
    if (heapFile !== null) {
      server.child.send('heap start')
      await server.child.next('heap', 10_000)
    }
    if (values['no-trace'] !== true) server.child.send('trace on')
    else server.child.send('trace gc')
    await server.child.next('tracing', 10_000)
    const loadBefore = load()
    pub.send('go')
    const r = (await pub.next('result', (seconds + warmupMs / 1000) * 1000 + 60_000)).result as { sent: number; start: number; acked: number; errors: string[]; gc: GcPause[] }
    sub.send(`expect ${r.sent}`)
    const s = (await sub.next('result', 30_000)).result as { delivered: number; problems: string[]; gc: GcPause[] }
    if (heapFile !== null) {
      server.child.send(`heap stop ${heapFile}`)
      await server.child.next('heap', 30_000)
      progress(`  server allocation profile: ${heapFile}`)
    }
    const traceFile = join(dir, `${tag}.trace`)
    server.child.send(`trace off ${traceFile}`)
    const t = (await server.child.next('traced', 30_000)).traced as { records: number; dropped: number; gc: GcPause[] }
    const problems = [...r.errors.map((e) => `publisher: ${e}`), ...s.problems.map((e) => `subscriber: ${e}`)]
    if (system !== 'relay' && r.acked !== r.sent) problems.push(`publisher: ${r.acked} of ${r.sent} acknowledged`)
    if (t.dropped > 0) problems.push(`server trace: ${t.dropped} records did not fit (stage figures miss them)`)
    const f64 = (file: string): Float64Array => {
      const b = readFileSync(file)
      return new Float64Array(b.buffer, b.byteOffset, b.length / 8)
    }
    const figures = analyzeRun({
      pub: f64(pubArgs.dump),
      sub: f64(subArgs.dump),
      trace: system !== 'relay' ? f64(traceFile) : null,
      measureFrom: r.start + warmupMs,
      gc: { publisher: r.gc, server: t.gc, subscriber: s.gc },
    })
    for (const f of [pubArgs.dump, subArgs.dump, traceFile]) rmSync(f, { force: true })
    const e = figures.e2e
    progress(
      `  ${system.padEnd(5)} ${String(rate).padStart(6)} msg/s run ${index + 1}: p50 ${e.p50} µs, p99 ${e.p99} µs, p99.9 ${e.p999} µs, max ${e.max} µs ` +
        `(${e.n} samples, load ${loadBefore})${problems.length > 0 ? `; problems: ${problems.join('; ')}` : ''}`,
    )
    return { system, rate, load: loadBefore, figures, problems }
  } finally {
    await Promise.all([pub.stop(), sub.stop()])
  }
}

async function main(): Promise<void> {
  progress(machineBanner())
  // pub + sub processes, the server's main thread and its sequencer (sync thread mostly asleep in async mode).
  warnIfFewCores(4)
  const ordo = await startServer('ordo')
  const relay = await startServer('relay')
  const base = values.baseline === undefined ? null : await startServer('base')
  progress(`ordo server: ${ordo.url} (${ordo.transport}), durability ${durability}${Object.keys(engineOptions).length > 0 ? `, engine ${JSON.stringify(engineOptions)}` : ''}; bare relay: ${relay.url} (${relay.transport})`)
  if (base !== null) progress(`baseline ordo ('base', from ${resolve(values.baseline!)}): ${base.url}`)
  progress(`${runs} run(s) per system and rate, ${seconds} s each after ${warmupMs / 1000} s warm-up, ${payloadBytes} B payloads, load ${load()}`)
  for (const rate of rates) {
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always gets the quieter moment.
      const systems: System[] = base === null ? ['relay', 'ordo'] : ['relay', 'ordo', 'base']
      const order = i % 2 === 0 ? systems : [...systems].reverse()
      for (const system of order) results.push(await runOnce(system, system === 'ordo' ? ordo : system === 'base' ? base! : relay, rate, i))
    }
  }
  report()
}

function report(): void {
  const out = (s = ''): void => void process.stdout.write(`${s}\n`)
  out(machineBanner())
  out(`publish -> deliver latency, ${payloadBytes} B payloads, durability ${durability}, 1 publisher and 1 subscriber process, ` +
    `${runs} run(s) of ${seconds} s per system and rate (medians of runs), load at the end ${load()}`)
  const json: Record<string, unknown> = {}
  const bySystem = (system: string, rate: number): RunResult[] => results.filter((r) => r.system === system && r.rate === rate)
  for (const rate of rates) {
    const o = bySystem('ordo', rate)
    const r = bySystem('relay', rate)
    const b = bySystem('base', rate)
    if (o.length === 0) continue
    const so: SystemSummary = summarize(o.map((x) => x.figures))
    const sr: SystemSummary = summarize(r.map((x) => x.figures))
    out()
    out(`== ${rate} msg/s: runs (p50 / p99 / p99.9 µs, load)`)
    for (const x of [...o, ...b, ...r]) out(`  ${x.system.padEnd(5)} ${fmt(x.figures.e2e)}  load ${x.load}${x.problems.length > 0 ? `  PROBLEMS: ${x.problems.join('; ')}` : ''}`)
    const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '-')
    out(`  median ordo  p50 ${so.e2e.p50} µs, p99 ${so.e2e.p99} µs, p99.9 ${so.e2e.p999} µs`)
    out(`  median relay p50 ${sr.e2e.p50} µs, p99 ${sr.e2e.p99} µs, p99.9 ${sr.e2e.p999} µs`)
    out(`  ordo / relay: p50 ${ratio(so.e2e.p50, sr.e2e.p50)}x (goal <= 1.5), p99 ${ratio(so.e2e.p99, sr.e2e.p99)}x (goal <= 1.5), p99.9 ${ratio(so.e2e.p999, sr.e2e.p999)}x (goal <= 2)`)
    const sb: SystemSummary | null = b.length === 0 ? null : summarize(b.map((x) => x.figures))
    if (sb !== null) {
      out(`  median base  p50 ${sb.e2e.p50} µs, p99 ${sb.e2e.p99} µs, p99.9 ${sb.e2e.p999} µs (baseline build)`)
      out(`  base / relay: p50 ${ratio(sb.e2e.p50, sr.e2e.p50)}x, p99 ${ratio(sb.e2e.p99, sr.e2e.p99)}x, p99.9 ${ratio(sb.e2e.p999, sr.e2e.p999)}x`)
    }
    if (values['no-stages'] !== true) printStages(out, [['ordo', so], ...(sb === null ? [] : [['base', sb] as [string, SystemSummary]]), ['relay', sr]])
    if (sb !== null) {
      json[`base_p50_us${suffixOf(rate)}`] = sb.e2e.p50
      json[`base_p99_us${suffixOf(rate)}`] = sb.e2e.p99
      json[`base_p999_us${suffixOf(rate)}`] = sb.e2e.p999
    }
    const suffix = suffixOf(rate)
    json[`ordo_client_p50_us${suffix}`] = so.e2e.p50
    json[`ordo_client_p99_us${suffix}`] = so.e2e.p99
    json[`ordo_client_p999_us${suffix}`] = so.e2e.p999
    json[`bare_relay_p50_us${suffix}`] = sr.e2e.p50
    json[`bare_relay_p99_us${suffix}`] = sr.e2e.p99
    json[`bare_relay_p999_us${suffix}`] = sr.e2e.p999
  }
  json.problems = results.flatMap((r) => r.problems.map((p) => `${r.system} ${r.rate}: ${p}`))
  json.load = load()
  if (values.json === true) out(JSON.stringify(json))
}

function suffixOf(rate: number): string {
  return rate === 5000 ? '' : rate === 50000 ? '_50k' : `_${rate}`
}

function fmt(p: Percentiles): string {
  return `${String(p.p50).padStart(6)} / ${String(p.p99).padStart(6)} / ${String(p.p999).padStart(7)}`
}

async function shutdown(): Promise<void> {
  await Promise.all(servers.map((s) => s.stop(20_000)))
  rmSync(dir, { recursive: true, force: true })
}

process.on('SIGINT', () => {
  void shutdown().then(() => process.exit(130))
})
main().then(
  () => shutdown(),
  async (e: unknown) => {
    process.stderr.write(`publish-to-deliver-latency: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`)
    await shutdown()
    process.exit(1)
  },
)
