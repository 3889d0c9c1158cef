// Gateway benchmark: the server (`ordo start`) in one process, the
// load generator (bench/gateway-loadgen.ts) in another, talking WebSocket.
//
//   loadgen ──Publish (256 x 100 B per frame, window 128 Ki msgs)──▶ ordo start ──Deliver──▶ loadgen
//
//   1. 1 publisher -> 1 subscriber, fsync durability: delivered msg/s (acks only when durable)
//   2. 1 publisher -> 100 subscribers of one group: total delivered msg/s
//   3. publish -> deliver latency at 50 000 msg/s, async durability: HdrHistogram,
//      coordinated omission corrected (each message carries its intended send time)
//   4. 10 000 idle connections: server RSS growth per connection
//
// Usage: node dist/bench/gateway-bench.js [--json] [--runs N] [--seconds S] [--only a,b] [--quick]
//   --quick: 1 run of 2 s each of 1 -> 1 and fan-out (unless --only says otherwise), about 20 s.
// The server's transport (uWebSockets.js or the ws fallback) follows ORDO_TRANSPORT;
// ORDO_BENCH_SERVER_NODE runs the server under another Node binary (the load generator
// stays on this one). The summary names the server's Node and transport.
// Targets (2 cores, 100 B payloads): >= 1 M msg/s, >= 5 M msg/s, p50 < 200 us and
// p99 < 2 ms, < 10 KiB per idle connection. Runs 1-2 report the median of N runs.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machineBanner, warnIfFewCores } from './lib/machine.js'
import { BenchServer } from './gateway-server-proc.js'

const loadgen = fileURLToPath(new URL('./gateway-loadgen.js', import.meta.url))

interface LoadResult {
  mode: string
  [k: string]: unknown
}

const loadgens = new Set<ChildProcess>()

function runLoadgen(args: string[], onLine?: (line: string, send: (s: string) => void) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [loadgen, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    loadgens.add(p)
    p.once('exit', () => loadgens.delete(p))
    let result: LoadResult | null = null
    const rl = createInterface({ input: p.stdout! })
    rl.on('line', (line) => {
      if (line.startsWith('{')) result = JSON.parse(line) as LoadResult
      else onLine?.(line, (s) => p.stdin!.write(s + '\n'))
    })
    p.once('exit', (code) => (result !== null ? resolve(result) : reject(new Error(`loadgen ${args[0]} exited ${code} without a result`))))
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0))
const log = (s: string) => process.stderr.write(`gateway-bench: ${s}\n`)

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, runs: { type: 'string' }, seconds: { type: 'string' }, only: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write('Usage: gateway-bench [--json] [--runs N (default 3)] [--seconds S (default 5)] [--only fsync,fanout,latency,idle] [--quick (1 run of 2 s, fsync,fanout)]\n')
    return 0
  }
  // Ctrl-C or SIGTERM: stop the load generators and servers and remove their data
  // directories before leaving (a run leaves nothing in the temp directory).
  let interrupted = false
  const interrupt = (signal: string) => () => {
    if (interrupted) process.exit(130)
    interrupted = true
    log(`${signal}: stopping the load generators and servers, removing their data`)
    for (const p of loadgens) p.kill('SIGKILL')
    void BenchServer.stopAll().finally(() => process.exit(130))
  }
  process.once('SIGINT', interrupt('SIGINT'))
  process.once('SIGTERM', interrupt('SIGTERM'))
  const quick = values.quick === true
  const runs = Number(values.runs ?? (quick ? 1 : 3))
  const seconds = Number(values.seconds ?? (quick ? 2 : 5))
  const only = new Set((values.only ?? (quick ? 'fsync,fanout' : 'fsync,fanout,latency,idle')).split(','))
  const transports = new Set<string>()
  const serverNodes = new Set<string>()
  process.stdout.write(`${machineBanner()}\n`)
  warnIfFewCores(4)
  const out: Record<string, number | boolean | string> = {}
  const rows: string[] = []

  if (only.has('fsync')) {
    const server = await BenchServer.start('fsync')
    transports.add(server.transport)
    serverNodes.add(server.node)
    const rates: number[] = []
    try {
      for (let r = 0; r < runs; r++) {
        log(`1 publisher -> 1 subscriber, fsync: run ${r + 1}/${runs} (${seconds} s)`)
        const res = await runLoadgen(['throughput', server.url, '1', String(seconds)])
        if (res.complete !== true || res.gap_errors !== 0) throw new Error(`self-check failed: ${JSON.stringify(res)}`)
        rates.push(res.delivered_per_s as number)
        log(`  ${fmt(res.delivered_per_s as number)} msg/s delivered, ${fmt(res.acked_per_s as number)} acked, ${(res.messages_per_frame as number).toFixed(0)} msgs/frame`)
      }
    } finally {
      await server.stop()
    }
    out.ws_fsync_msgs_per_s = Math.round(median(rates))
    rows.push(`1 -> 1, fsync durability            ${fmt(out.ws_fsync_msgs_per_s).padStart(9)} msg/s delivered   (target >= 1 M; runs: ${rates.map(fmt).join(', ')})`)
  }

  if (only.has('fanout')) {
    const server = await BenchServer.start('fsync')
    transports.add(server.transport)
    serverNodes.add(server.node)
    const rates: number[] = []
    try {
      for (let r = 0; r < runs; r++) {
        log(`1 publisher -> 100 subscribers: run ${r + 1}/${runs} (${seconds} s)`)
        const res = await runLoadgen(['throughput', server.url, '100', String(seconds)])
        if (res.complete !== true) throw new Error(`self-check failed: not every subscriber got every message: ${JSON.stringify(res)}`)
        rates.push(res.delivered_per_s as number)
        log(`  ${fmt(res.delivered_per_s as number)} msg/s delivered in total, ${fmt(res.acked_per_s as number)} published, ${(res.messages_per_frame as number).toFixed(0)} msgs/frame`)
      }
    } finally {
      await server.stop()
    }
    out.fanout100_msgs_per_s = Math.round(median(rates))
    rows.push(`1 -> 100 subscribers, fsync           ${fmt(out.fanout100_msgs_per_s).padStart(9)} msg/s delivered   (target >= 5 M; runs: ${rates.map(fmt).join(', ')})`)
  }

  if (only.has('latency')) {
    const server = await BenchServer.start('async')
    transports.add(server.transport)
    serverNodes.add(server.node)
    try {
      log(`publish -> deliver latency at 50 000 msg/s, async durability (${seconds * 2} s)`)
      const res = await runLoadgen(['latency', server.url, '50000', String(seconds * 2)])
      if ((res.received as number) < (res.sent as number)) throw new Error(`self-check failed: lost messages: ${JSON.stringify(res)}`)
      out.ws_async_p50_us = res.p50_us as number
      out.ws_async_p99_us = res.p99_us as number
      out.ws_async_p999_us = res.p999_us as number
      out.ws_async_max_us = res.max_us as number
      rows.push(`latency @ 50 k msg/s, async           p50 ${res.p50_us} us, p99 ${res.p99_us} us, p99.9 ${res.p999_us} us, max ${res.max_us} us   (target p50 < 200 us, p99 < 2000 us; ${res.measured} samples); split at the sequencer's stamp: publish->sequenced p50 ${String(res.to_sequenced_p50_us)} us p99 ${String(res.to_sequenced_p99_us)} us, sequenced->delivered p50 ${String(res.from_sequenced_p50_us)} us p99 ${String(res.from_sequenced_p99_us)} us)`)
    } finally {
      await server.stop()
    }
  }

  if (only.has('idle')) {
    const server = await BenchServer.start('fsync')
    transports.add(server.transport)
    serverNodes.add(server.node)
    try {
      const conns = 10_000
      await new Promise((r) => setTimeout(r, 1000))
      const before = server.rss()
      log(`opening ${conns} idle connections`)
      let after = 0
      await runLoadgen(['idle', server.url, String(conns)], (line, send) => {
        if (line.startsWith('idle-ready')) {
          setTimeout(() => {
            after = server.rss()
            send('done')
          }, 2000)
        }
      })
      out.idle_conn_bytes = Math.round((after - before) / conns)
      rows.push(`10 000 idle connections               ${String(out.idle_conn_bytes).padStart(9)} bytes/connection (server RSS ${fmt(before)}B -> ${fmt(after)}B; target < 10240)`)
    } finally {
      await server.stop()
    }
  }

  out.transport = [...transports].join(',')
  out.server_node = [...serverNodes].join(',')
  out.loadgen_node = process.versions.node
  process.stdout.write(`\nGateway benchmark: server and load generator in separate processes, 100-byte payloads, server on Node ${out.server_node} (transport ${out.transport}), load generator on Node ${out.loadgen_node}\n${rows.join('\n')}\n`)
  if (values.json) process.stdout.write(JSON.stringify(out) + '\n')
  return 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`gateway-bench: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exit(1)
    },
  )
}
