// ordo through its client library in the comparison, as a user of `ordo/client` gets it: rows
// 'ordo-client-publish' (client.publish() per message; its latency run paces client.publish() calls),
// 'ordo-client-batch' (client.publishBatch() of BATCH messages per call) and 'ordo-cli-publish' (`ordo publish`
// reading lines from stdin in a child process).
//
//   publisher procs (P) ──client library──▶ `ordo start --durability async` (own process) ──client library──▶
//     procs/ordo-client-pub.js                                                         subscriber procs (S)
//   `ordo publish <group>` ◀── stdin lines                                             procs/ordo-client-sub.js
//
// One fresh server for the three rows; each row runs fresh publisher and subscriber processes (subscribed from
// now), and its server CPU covers its own phases.

import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import * as hdr from 'hdr-histogram-js'
import { BenchServer } from '../gateway-server-proc.js'
import { Child } from './procs/child.js'
import { linePayload, sharedClockMs } from './procs/ordo-payload.js'
import type { OrdoClientPubArgs, OrdoClientPubResult } from './procs/ordo-client-pub.js'
import type { OrdoClientSubArgs } from './procs/ordo-client-sub.js'
import type { OrdoSubResult } from './procs/ordo-sub.js'
import { UsageMeter } from './proc-usage.js'
import type { LatencyFigures, Progress, SystemResult, SystemRunner, ThroughputFigures, Workload } from './workload.js'

/** Unresolved publish() calls per publisher process at most (the client's default in-flight window). */
const WINDOW = 16384
/** Messages per publishBatch call. */
const BATCH = 1000
const DRAIN_WAIT_MS = 10_000
const cli = fileURLToPath(new URL('../../tools/cli.js', import.meta.url))
const nowMs = sharedClockMs

interface PhaseResult {
  throughput: ThroughputFigures
  latency: LatencyFigures | null
  problems: string[]
}

function split(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0)
}

function startSubscribers(url: string, w: Workload, key: string, payload: 'binary' | 'lines', latency: boolean, groups: string[]): Child[] {
  return Array.from({ length: w.subscribers }, (_, i) => {
    const args: OrdoClientSubArgs = { url, index: i, groups, publishers: payload === 'lines' ? 1 : w.publishers, payloadBytes: w.payloadBytes, payload, latency, warmupMs: w.quick ? 500 : 1000, waitMs: DRAIN_WAIT_MS }
    return Child.start(`${key} subscriber ${i}`, './ordo-client-sub.js', args)
  })
}

async function collect(subs: Child[], acked: number, tGo: number, problems: string[]): Promise<{ delivered: number; subResults: OrdoSubResult[] }> {
  for (const s of subs) s.send(`expect ${acked}`)
  const subResults = (await Promise.all(subs.map((s) => s.next('result', DRAIN_WAIT_MS + 10_000)))).map((m) => m.result as OrdoSubResult)
  for (const r of subResults) problems.push(...r.problems)
  const delivered = Math.min(...subResults.map((r) => (r.delivered === 0 ? 0 : r.delivered / ((r.t_last - tGo) / 1000))))
  return { delivered, subResults }
}

/** publish / batch / latency through the client library. */
async function phase(url: string, w: Workload, key: string, mode: 'publish' | 'batch' | 'latency', progress: Progress): Promise<PhaseResult> {
  const groups = Array.from({ length: w.groups }, (_, i) => `cmp.g${i}`)
  const messages = w.fastMessages ?? w.messages
  const warmupMs = w.quick ? 500 : 1000
  const children: Child[] = []
  try {
    const subs = startSubscribers(url, w, key, 'binary', mode === 'latency', groups)
    children.push(...subs)
    await Promise.all(subs.map((s) => s.next('ready', 30_000)))
    const pubs = Array.from({ length: w.publishers }, (_, i) => {
      const args: OrdoClientPubArgs = {
        url, index: i, groups, payloadBytes: w.payloadBytes, mode, messages: split(messages, w.publishers, i), window: WINDOW, batch: BATCH,
        rate: w.latencyRate / w.publishers, seconds: w.latencySeconds + warmupMs / 1000,
      }
      return Child.start(`${key} publisher ${i}`, './ordo-client-pub.js', args)
    })
    children.push(...pubs)
    await Promise.all(pubs.map((p) => p.next('ready', 30_000)))
    const total = mode === 'latency' ? Math.round(w.latencyRate * (w.latencySeconds + warmupMs / 1000)) : messages
    let lastProgress = 0
    subs[0]!.onProgress = (m) => {
      if (Date.now() - lastProgress < 950) return
      lastProgress = Date.now()
      progress(`${key} ${mode}: ${String(m.progress)}/${total} delivered to subscriber 0`)
    }
    const tGo = nowMs()
    for (const s of subs) s.send(`go ${tGo}`)
    for (const p of pubs) p.send('go')
    const pubTimeout = mode === 'latency' ? (w.latencySeconds + 30) * 1000 : 120_000 + messages / 10
    const pubResults = (await Promise.all(pubs.map((p) => p.next('result', pubTimeout)))).map((m) => m.result as OrdoClientPubResult)
    const problems: string[] = []
    pubResults.forEach((r, i) => {
      if (r.acked < r.sent) problems.push(`publisher ${i}: ${r.sent - r.acked} of ${r.sent} messages not acknowledged`)
      for (const e of r.errors) problems.push(`publisher ${i}: ${e}`)
    })
    const acked = pubResults.reduce((s, r) => s + r.acked, 0)
    const { delivered, subResults } = await collect(subs, acked, tGo, problems)
    const sent = pubResults.reduce((s, r) => s + r.sent, 0)
    const t0 = Math.min(...pubResults.map((r) => r.t_start))
    const throughput: ThroughputFigures = {
      published_per_s: sent / ((Math.max(...pubResults.map((r) => r.t_sent)) - t0) / 1000),
      acked_per_s: acked / ((Math.max(...pubResults.map((r) => r.t_acked)) - t0) / 1000),
      delivered_per_s: delivered,
      messages: sent,
    }
    let latency: LatencyFigures | null = null
    if (mode === 'latency') {
      const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
      for (const r of subResults) if (r.hist !== null) h.add(hdr.decodeFromCompressedBase64(r.hist))
      if (h.totalCount === 0) problems.push('no latency samples recorded')
      else latency = { offered_per_s: w.latencyRate, samples: h.totalCount, p50_us: h.getValueAtPercentile(50), p99_us: h.getValueAtPercentile(99), p999_us: h.getValueAtPercentile(99.9), max_us: h.maxValue }
    }
    return { throughput, latency, problems }
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}

/** `ordo publish <group> --quiet` in a child process, its stdin fed `messages` lines as fast as the pipe takes them. */
async function cliPhase(url: string, w: Workload, key: string, progress: Progress): Promise<PhaseResult> {
  const messages = w.fastMessages ?? w.messages
  const children: Child[] = []
  try {
    const subs = startSubscribers(url, w, key, 'lines', false, ['cmp.cli'])
    children.push(...subs)
    await Promise.all(subs.map((s) => s.next('ready', 30_000)))
    subs[0]!.onProgress = (m) => progress(`${key}: ${String(m.progress)}/${messages} delivered to subscriber 0`)
    const tGo = nowMs()
    for (const s of subs) s.send(`go ${tGo}`)
    const proc = spawn(process.execPath, [cli, 'publish', 'cmp.cli', '--url', url, '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
    proc.stdout!.resume()
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
    // Lines in blocks of 64 KiB or so, written as the pipe drains; the lines are built here, before timing counts.
    const per = Math.max(1, Math.floor(65536 / (w.payloadBytes + 1)))
    const blocks: Buffer[] = []
    for (let s = 1; s <= messages; s += per) {
      const n = Math.min(per, messages - s + 1)
      blocks.push(Buffer.from(Array.from({ length: n }, (_, i) => linePayload(s + i, w.payloadBytes) + '\n').join('')))
    }
    const t0 = nowMs()
    for (const b of blocks) if (!proc.stdin!.write(b)) await new Promise((r) => proc.stdin!.once('drain', r))
    proc.stdin!.end()
    const tSent = nowMs()
    const code = await exited
    const tDone = nowMs()
    const problems: string[] = []
    if (code !== 0) problems.push(`ordo publish exited with ${String(code)}: ${stderr.trim()}`)
    const acked = code === 0 ? messages : 0
    const { delivered } = await collect(subs, acked, tGo, problems)
    return {
      throughput: { published_per_s: messages / ((tSent - t0) / 1000), acked_per_s: acked / ((tDone - t0) / 1000), delivered_per_s: delivered, messages },
      latency: null,
      problems,
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}

export const ordoClientRunner: SystemRunner = {
  name: 'ordo-client',
  async run(w: Workload, progress: Progress): Promise<SystemResult[]> {
    const key = 'ordo-client'
    progress(`${key}: starting \`ordo start --durability async\``)
    const server = await BenchServer.start('async', [], w.dir ?? tmpdir())
    const killServer = (): void => {
      if (server.proc.exitCode === null) server.proc.kill('SIGKILL')
      rmSync(server.dataDir, { recursive: true, force: true })
    }
    process.once('exit', killServer)
    const durability = 'OS page cache before ack; fsync every 20 ms'
    const common = `\`ordo start --durability async\` in its own process; ${w.publishers} publisher and ${w.subscribers} subscriber processes using the client library (\`ordo/client\`, the ws package), one connection each`
    const subscriberNote = 'subscribers use client.subscribe() with the zero-copy handler and check every message: gsn dense, payload seq per publisher = pseq (bigint accessor), length and filler'
    try {
      const rows: SystemResult[] = []
      let meter = new UsageMeter(server.proc.pid!)
      const pub = await phase(server.url, w, 'ordo-client-publish', 'publish', progress)
      progress(`ordo-client-publish: ${(pub.throughput.acked_per_s! / 1e6).toFixed(2)} M msg/s acknowledged; latency run at ${w.latencyRate} msg/s for ${w.latencySeconds} s`)
      const lat = await phase(server.url, w, 'ordo-client-publish', 'latency', progress)
      const probs = [...pub.problems, ...lat.problems.map((p) => `latency run: ${p}`)]
      rows.push({
        key: 'ordo-client-publish', label: 'ordo client publish()', durability, throughput: pub.throughput, latency: lat.latency, server: meter.finish(),
        check: { ok: probs.length === 0, problems: probs },
        notes: [
          common,
          `publish: one client.publish() call per message, at most ${WINDOW} unresolved per publisher (a counter, no array); the client coalesces the calls of one event-loop turn into frames; ${pub.throughput.messages} messages`,
          `latency: open-loop publishers call client.publish() at each message's intended send time (${w.latencyRate} msg/s in all); messages due together go out in one frame`,
          subscriberNote,
        ],
      })
      meter = new UsageMeter(server.proc.pid!)
      const batch = await phase(server.url, w, 'ordo-client-batch', 'batch', progress)
      rows.push({
        key: 'ordo-client-batch', label: 'ordo client publishBatch', durability, throughput: batch.throughput, latency: null, server: meter.finish(),
        check: { ok: batch.problems.length === 0, problems: batch.problems },
        notes: [common, `publish: client.publishBatch() of ${BATCH} messages per call, at most ${WINDOW} messages unresolved per publisher; ${batch.throughput.messages} messages`, subscriberNote],
      })
      meter = new UsageMeter(server.proc.pid!)
      const cliRun = await cliPhase(server.url, w, 'ordo-cli-publish', progress)
      rows.push({
        key: 'ordo-cli-publish', label: 'ordo publish (CLI, stdin)', durability, throughput: cliRun.throughput, latency: null, server: meter.finish(),
        check: { ok: cliRun.problems.length === 0, problems: cliRun.problems },
        notes: [
          `\`ordo publish cmp.cli --quiet\` in a child process, ${cliRun.throughput.messages} lines of ${w.payloadBytes} B on its stdin; acked/s = lines / (first line written .. the command exited, all acknowledged), process start-up and connect included`,
          'subscribers (client library) check every line: gsn dense, the line\'s seq the last + 1',
        ],
      })
      return rows
    } finally {
      process.removeListener('exit', killServer)
      await server.stop()
    }
  },
}
