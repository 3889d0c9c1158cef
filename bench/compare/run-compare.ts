// ordo side by side with NATS JetStream, Redis Streams and the machine's bare limits, in one run.
//
//   run-compare ─┬─ ordo-client    `ordo start` (async) ◀─ client-library publisher procs / `ordo publish`, ─▶ S client-library subscriber procs
//                ├─ ordo-ws        `ordo start` (async, then fsync) ◀─ P template-pump procs (the server's ceiling), ─▶ S subscriber procs
//                ├─ ordo-embedded  engine + P publisher threads + 1 subscriber, in one child process
//                ├─ jetstream      nats-server -js (file store)     ◀─ P publisher procs, ─▶ S subscriber procs
//                ├─ redis          redis-server (appendonly)        ◀─ P publisher procs, ─▶ S subscriber procs
//                └─ limits         bare SAB ring, uWS.js fan-out and relay latency without engine, disk MB/s and fsyncs/s
//              ─▶ table + ratios on stdout, progress on stderr, bench/results/compare-<stamp>.{json,svg} + latest.*
//
//   node dist/bench/compare/run-compare.js [--quick] [--json] [--payload 100|1024] [--publishers 1] [--subscribers 1]
//        [--groups 1] [--messages N] [--ordo-messages N] [--rate 5000] [--latency-seconds S]
//        [--only ordo-client,ordo-ws,ordo-embedded,jetstream,redis,limits] [--dir <data parent>] [--results-dir <dir>]
//        [--allow-missing] [--help]
//
// Exits 1 when any delivery check failed, 2 on a usage error or a missing peer (without --allow-missing).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machineBanner, warnIfFewCores } from '../lib/machine.js'
import { fairnessStatement, formatRatios, formatTable, jsonSummary, ratios } from './compare-report.js'
import { runLimits, type LimitFigures } from './limits.js'
import { ordoEmbeddedRunner } from './ordo-embedded.js'
import { ordoClientRunner } from './ordo-client.js'
import { ordoWsRunner } from './ordo-ws.js'
import { findBinary } from './peers.js'
import { renderChart, type ChartRow } from './svg-chart.js'
import type { SystemResult, SystemRunner, Workload } from './workload.js'

const SYSTEMS = ['ordo-client', 'ordo-ws', 'ordo-embedded', 'jetstream', 'redis', 'limits'] as const
type SystemName = (typeof SYSTEMS)[number]
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

const HELP = `ordo side by side with NATS JetStream, Redis Streams and the machine's bare limits, in one run.

  npm run bench:compare -- [options]

  --quick                 whole run under a minute (100 000 messages per peer run, 1 000 000 per ordo run,
                          latency 2 s); default is the full run (1 000 000 / 10 000 000, latency 10 s), under 10 min
  --json                  end with one line of JSON (ordo_client_publish_msgs_per_s, ..., bare_relay_p999_us)
  --payload 100|1024      payload bytes (default 100)
  --publishers N          publisher processes per system (default 1)
  --subscribers N         subscriber processes per system, each subscribed to every group (default 1)
  --groups N              groups / subjects / stream keys; messages cycle over them (default 1)
  --messages N            messages per peer throughput run
  --ordo-messages N       messages per ordo throughput run (default 10 x --messages)
  --rate N                offered msg/s of every latency run (default 5000, below every system's saturation)
  --latency-seconds S     length of each latency run after its warm-up
  --only a,b              systems to run: ${SYSTEMS.join(', ')} (default all)
  --dir DIR               parent directory for every server's data and the disk test (default ${os.tmpdir()})
  --results-dir DIR       where compare-<stamp>.json/.svg and latest.json/.svg go (default bench/results)
  --allow-missing         run what is there when nats-server / redis-server or a runner is missing
  --help                  this text
`

function usage(msg: string): never {
  process.stderr.write(`run-compare: ${msg}\n\n${HELP}`)
  process.exit(2)
}

let parsed
try {
  parsed = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      payload: { type: 'string', default: '100' },
      publishers: { type: 'string', default: '1' },
      subscribers: { type: 'string', default: '1' },
      groups: { type: 'string', default: '1' },
      messages: { type: 'string' },
      'ordo-messages': { type: 'string' },
      rate: { type: 'string', default: '5000' },
      'latency-seconds': { type: 'string' },
      only: { type: 'string', default: SYSTEMS.join(',') },
      dir: { type: 'string', default: os.tmpdir() },
      'results-dir': { type: 'string', default: path.join(repoRoot, 'bench', 'results') },
      'allow-missing': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
} catch (e) {
  usage(e instanceof Error ? e.message : String(e))
}
const v = parsed.values
if (v.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

function int(name: string, s: string, min: number, max: number): number {
  const n = Number(s)
  if (!Number.isInteger(n) || n < min || n > max) usage(`--${name} must be an integer from ${min} to ${max}: got ${s}`)
  return n
}
const payloadBytes = int('payload', v.payload, 24, 1 << 20)
if (payloadBytes !== 100 && payloadBytes !== 1024) process.stderr.write(`run-compare: note: --payload ${payloadBytes} (the targets are set for 100 and 1024)\n`)
const messages = int('messages', v.messages ?? (v.quick ? '100000' : '1000000'), 1, 1e9)
const only = v.only.split(',').map((s) => s.trim()).filter((s) => s !== '')
for (const s of only) if (!(SYSTEMS as readonly string[]).includes(s)) usage(`--only: unknown system "${s}"; choose from ${SYSTEMS.join(', ')}`)
const selected = new Set(only as SystemName[])
if (!fs.existsSync(v.dir)) usage(`--dir ${v.dir} does not exist: create it or pass another directory`)

const workload: Workload = {
  publishers: int('publishers', v.publishers, 1, 64),
  subscribers: int('subscribers', v.subscribers, 1, 1000),
  payloadBytes,
  groups: int('groups', v.groups, 1, 16),
  messages,
  fastMessages: int('ordo-messages', v['ordo-messages'] ?? String(messages * 10), 1, 1e10),
  latencyRate: int('rate', v.rate, 1, 10_000_000),
  latencySeconds: Number(v['latency-seconds'] ?? (v.quick ? 2 : 10)),
  dir: v.dir,
  quick: v.quick,
}
if (!(workload.latencySeconds > 0)) usage(`--latency-seconds must be a positive number: got ${v['latency-seconds']}`)

// A signal ends the run through process.exit, so the 'exit' hooks that kill the servers by pid run (ordo-ws.ts,
// peers.ts); helper processes exit by themselves when their stdin closes.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`run-compare: ${sig}: stopping\n`)
    process.exit(130)
  })
}

const t0 = Date.now()
const progress = (line: string): void => {
  const s = Math.floor((Date.now() - t0) / 1000)
  process.stderr.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}\n`)
}

// ---- peers: present or not -------------------------------------------------------------------------------------

interface PeerSpec {
  name: 'jetstream' | 'redis'
  module: string
  exportName: string
  binary: string
  apt: string
}
const PEERS: PeerSpec[] = [
  { name: 'jetstream', module: './jetstream.js', exportName: 'jetstreamRunner', binary: 'nats-server', apt: 'nats-server (tools/nats.sh)' },
  { name: 'redis', module: './redis.js', exportName: 'redisRunner', binary: 'redis-server', apt: 'redis-server' },
]
const missing: string[] = []
const runners: { name: SystemName; runner: SystemRunner }[] = []
// redis-server is a Debian package, nats-server the pinned release of tools/nats.sh (findBinary installs it): install
// the missing ones first (tools/peers.sh install runs apt-get, with sudo
// when not root), unless --allow-missing says to run without them.
const absent = PEERS.filter((p) => selected.has(p.name) && findBinary(p.binary) === undefined)
if (absent.length > 0 && !v['allow-missing']) {
  progress(`installing ${absent.map((p) => p.apt).join(' and ')} (tools/peers.sh install: apt-get)`)
  const r = spawnSync('bash', [path.join(repoRoot, 'tools', 'peers.sh'), 'install'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  if (r.status !== 0) process.stderr.write(`run-compare: tools/peers.sh install failed (exit ${String(r.status)}); see its message above\n`)
}
if (selected.has('ordo-client')) runners.push({ name: 'ordo-client', runner: ordoClientRunner })
if (selected.has('ordo-ws')) runners.push({ name: 'ordo-ws', runner: ordoWsRunner })
if (selected.has('ordo-embedded')) runners.push({ name: 'ordo-embedded', runner: ordoEmbeddedRunner })
for (const p of PEERS) {
  if (!selected.has(p.name)) continue
  if (findBinary(p.binary) === undefined) {
    missing.push(
      p.binary === 'nats-server'
        ? 'nats-server could not be installed: run bash tools/nats.sh install to see why'
        : `${p.binary} is not installed: run tools/peers.sh start (installs it), or sudo apt-get install -y ${p.apt}`,
    )
    continue
  }
  try {
    const mod = (await import(p.module)) as Record<string, SystemRunner | undefined>
    const r = mod[p.exportName]
    if (r === undefined) throw new Error(`${p.module} has no export ${p.exportName}`)
    runners.push({ name: p.name, runner: r })
  } catch (e) {
    missing.push(`the ${p.name} runner (bench/compare/${p.module.slice(2).replace('.js', '.ts')}) cannot be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
  }
}
if (missing.length > 0) {
  for (const m of missing) process.stderr.write(`run-compare: missing: ${m}\n`)
  if (!v['allow-missing']) {
    process.stderr.write('run-compare: the comparison needs every system it was asked for; install what is missing, or pass --allow-missing to run the rest, or narrow --only\n')
    process.exit(2)
  }
}

// ---- banner ----------------------------------------------------------------------------------------------------

function binVersion(name: string, arg: string): string {
  const bin = findBinary(name)
  if (bin === undefined) return 'not installed'
  const r = spawnSync(bin, [arg], { encoding: 'utf8', timeout: 5000 })
  return (r.stdout || r.stderr || '').trim().split('\n')[0] ?? 'unknown'
}
function pkgVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'not installed'
  }
}
function ordoCommit(): string {
  const head = spawnSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', timeout: 5000 })
  if (head.status !== 0) return 'unknown (not a git checkout)'
  const dirty = spawnSync('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', timeout: 5000 })
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : ' + uncommitted changes'}`
}
const versions: Record<string, string> = {
  ordo: (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
  'ordo commit': ordoCommit(),
  node: process.version,
  'nats-server': binVersion('nats-server', '-v'),
  'redis-server': binVersion('redis-server', '-v'),
}
for (const p of ['@nats-io/transport-node', '@nats-io/jetstream', 'ioredis', 'ws', '@btc-vision/uwebsockets.js', '@trufflesuite/uws-js-unofficial', 'hdr-histogram-js']) versions[p] = pkgVersion(p)
const machine = machineBanner()
console.log(machine)
console.log(`versions: ${Object.entries(versions).map(([k, s]) => `${k} ${s}`).join(', ')}`)
console.log(
  `workload: ${workload.publishers} publisher(s) -> ${workload.subscribers} subscriber(s), ${workload.payloadBytes} B payloads, ${workload.groups} group(s), ` +
    `${workload.messages} messages per peer run, ${workload.fastMessages} per ordo run, latency at ${workload.latencyRate} msg/s for ${workload.latencySeconds} s, ` +
    `data under ${workload.dir}${workload.quick ? ', --quick' : ''}; systems: ${runners.map((r) => r.name).concat(selected.has('limits') ? ['limits'] : []).join(', ')}`,
)
warnIfFewCores(workload.publishers + workload.subscribers + 2)

// ---- run -------------------------------------------------------------------------------------------------------

const rows: SystemResult[] = []
const failures: string[] = []
for (const { name, runner } of runners) {
  progress(`${name}: start`)
  try {
    rows.push(...(await runner.run(workload, progress)))
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    const code = (e as { code?: string }).code
    if (code === 'PEER_MISSING' && v['allow-missing']) {
      missing.push(`${name}: ${msg}`)
      progress(`${name}: skipped (${msg})`)
    } else {
      failures.push(`${name} did not complete: ${msg}`)
      progress(`${name}: FAILED: ${msg}`)
    }
  }
}
let limits: LimitFigures | null = null
if (selected.has('limits')) {
  progress('limits: start')
  try {
    limits = await runLimits(workload, progress)
    for (const p of limits.problems) failures.push(`limits: ${p}`)
  } catch (e) {
    failures.push(`limits did not complete: ${e instanceof Error ? e.message : String(e)}`)
  }
}
progress(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`)

// ---- report ----------------------------------------------------------------------------------------------------

const ok = failures.length === 0 && rows.every((r) => r.check.ok)
console.log('')
for (const l of fairnessStatement(rows)) console.log(l)
console.log('')
for (const l of formatTable(rows)) console.log(l)
if (limits !== null) {
  const f = (n: number | null, unit: string, fmt: (n: number) => string): string => (n === null ? 'not measured' : `${fmt(n)} ${unit}`)
  console.log(
    `limits: bare SAB ring (${limits.bare_ring_producers} producer(s), ${limits.bare_ring_record_bytes} B records) ${f(limits.bare_ring_msgs_per_s, 'msg/s', (n) => (n / 1e6).toFixed(2) + ' M')}; ` +
      `on ${limits.limit_transport ?? 'uWebSockets.js'}: fan-out, no engine, to ${limits.uws_fanout_clients} ws client(s) ${f(limits.uws_fanout_msgs_per_s, 'msg/s', (n) => (n / 1e6).toFixed(2) + ' M')}; ` +
      `bare relay latency p50/p99/p99.9 ${f(limits.bare_relay_p50_us, 'µs', (n) => n.toFixed(0))} / ${f(limits.bare_relay_p99_us, 'µs', (n) => n.toFixed(0))} / ${f(limits.bare_relay_p999_us, 'µs', (n) => n.toFixed(0))}; ` +
      `disk ${f(limits.disk_write_mb_per_s, 'MB/s', (n) => n.toFixed(0))} (1 MiB writes + fsync), ${f(limits.disk_fsyncs_per_s, 'fsyncs/s', (n) => n.toFixed(0))} (4 KiB append + fsync)`,
  )
}
for (const w of limits?.warnings ?? []) console.log(`WARNING: ${w}`)
const rs = ratios(rows, limits, workload)
console.log('')
console.log('targets and fractions of the limits, same run:')
for (const l of formatRatios(rs)) console.log(l)
if (missing.length > 0) console.log(`not measured: ${missing.join('; ')}`)
console.log('')
if (ok) {
  console.log('checks: ok (every system delivered every message it acknowledged, once, in order, intact)')
} else {
  console.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!')
  console.log('CHECKS FAILED: the figures above are not trustworthy where a check failed')
  for (const f of failures) console.log(`  ${f}`)
  for (const r of rows) for (const p of r.check.problems) console.log(`  ${r.label}: ${p}`)
  console.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!')
}

// ---- results files ---------------------------------------------------------------------------------------------

const summary = jsonSummary(rows, limits, rs, ok)
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
const chartRows: ChartRow[] = rows.map((r) => ({
  label: r.label,
  kind: 'system',
  throughput: r.throughput.delivered_per_s > 0 ? r.throughput.delivered_per_s : null,
  p50_us: r.latency?.p50_us ?? null,
  p99_us: r.latency?.p99_us ?? null,
  failed: !r.check.ok,
}))
if (limits?.bare_ring_msgs_per_s != null) chartRows.push({ label: 'limit: bare SAB ring', kind: 'limit', throughput: limits.bare_ring_msgs_per_s, p50_us: null, p99_us: null })
if (limits?.uws_fanout_msgs_per_s != null) chartRows.push({ label: `limit: uWS fan-out, ${limits.uws_fanout_clients} client(s)`, kind: 'limit', throughput: limits.uws_fanout_msgs_per_s, p50_us: null, p99_us: null })
const svg = renderChart(chartRows, {
  title: `ordo vs NATS JetStream vs Redis Streams — ${stamp}${workload.quick ? ' (--quick)' : ''}`,
  subtitle: `${machine.replace(/^machine: /, '')}; ${workload.publishers} pub -> ${workload.subscribers} sub, ${workload.payloadBytes} B, ${workload.groups} group(s); latency at ${workload.latencyRate} msg/s`,
})
const record = { stamp, machine, versions, workload, rows, limits, ratios: rs, missing, failures, summary }
try {
  fs.mkdirSync(v['results-dir'], { recursive: true })
  const base = path.join(v['results-dir'], `compare-${stamp}`)
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`)
  fs.writeFileSync(`${base}.svg`, svg)
  fs.copyFileSync(`${base}.json`, path.join(v['results-dir'], 'latest.json'))
  fs.copyFileSync(`${base}.svg`, path.join(v['results-dir'], 'latest.svg'))
  console.log(`results: ${base}.json, ${base}.svg (and latest.json / latest.svg)`)
} catch (e) {
  console.log(`results: NOT written to ${v['results-dir']}: ${e instanceof Error ? e.message : String(e)}`)
}
if (v.json) console.log(JSON.stringify(summary))
// Exit explicitly once stdout is flushed: stopped servers leave grace timers pending (up to 20 s) that would
// otherwise keep the process alive after its work is done.
process.stdout.write('', () => process.exit(ok ? 0 : 1))
