// ordo over WebSocket in the comparison: rows 'ordo-ws-async' and 'ordo-ws-fsync'.
//
//   publisher procs (P) ──ws: Publish frames──▶ `ordo start` (own process, --port 0) ──ws: Deliver──▶ subscriber procs (S)
//     procs/ordo-pub.js         ◀── PublishAck ──  engine + gateway, one data dir        procs/ordo-sub.js
//                                                                                         (one subscription to all G groups,
//                                                                                          checks gsn + per-publisher seq)
//
// Per durability mode, one fresh server: a throughput run (fastMessages split over the publishers, each as fast as
// its acks return), then a latency run (latencyRate split over the publishers, open loop, latencySeconds after a
// warm-up). Server CPU and peak RSS cover both runs.

import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as hdr from 'hdr-histogram-js'
import { BenchServer } from '../gateway-server-proc.js'
import { Child } from './procs/child.js'
import { sharedClockMs } from './procs/ordo-payload.js'
import type { OrdoPubArgs, OrdoPubResult } from './procs/ordo-pub.js'
import type { OrdoSubArgs, OrdoSubResult } from './procs/ordo-sub.js'
import { UsageMeter } from './proc-usage.js'
import { blobLength } from '../../codec/message-layout.js'
import type { LatencyFigures, Progress, SystemResult, SystemRunner, ThroughputFigures, Workload } from './workload.js'

/** Messages per Publish frame and unacknowledged messages per publisher (as the gateway benchmark's load generator). */
const PER_FRAME = 256
const WINDOW = 131072
/**
 * Unacknowledged bytes per publisher at most. The gateway holds publish frames while the engine's ingress ring (16 MiB)
 * is full and answers OVERLOADED past 16 MiB held per connection (gateway/limits.ts: pendingPublishBytes), as it
 * should; a load generator that respects that keeps ring + held under both: 24 MiB in flight. With 100 B payloads
 * this leaves the 131072-message window as it is; with 1 KiB payloads it is about 22 000 messages.
 */
const WINDOW_BYTES = 24 * 1024 * 1024
function windowFor(payloadBytes: number): number {
  return Math.min(WINDOW, Math.floor(WINDOW_BYTES / blobLength(1, payloadBytes)))
}
/** How long subscribers wait for acknowledged messages still missing once the publishers are done. */
const DRAIN_WAIT_MS = 10_000

interface PhaseResult {
  throughput: ThroughputFigures
  latency: LatencyFigures | null
  problems: string[]
}

const nowMs = sharedClockMs

function split(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0)
}

/** One run of P publisher and S subscriber processes against the server at `url`. */
async function phase(url: string, w: Workload, key: string, kind: 'throughput' | 'latency', progress: Progress): Promise<PhaseResult> {
  const groups = Array.from({ length: w.groups }, (_, i) => `cmp.g${i}`)
  const perFrame = PER_FRAME - (PER_FRAME % w.groups)
  const messages = w.fastMessages ?? w.messages
  const warmupMs = w.quick ? 500 : 1000
  const children: Child[] = []
  try {
    const subs = Array.from({ length: w.subscribers }, (_, i) => {
      const args: OrdoSubArgs = { url, index: i, groups, publishers: w.publishers, payloadBytes: w.payloadBytes, latency: kind === 'latency', warmupMs, waitMs: DRAIN_WAIT_MS }
      return Child.start(`${key} subscriber ${i}`, './ordo-sub.js', args)
    })
    children.push(...subs)
    await Promise.all(subs.map((s) => s.next('ready', 30_000)))
    const pubs = Array.from({ length: w.publishers }, (_, i) => {
      const args: OrdoPubArgs = {
        url, index: i, groups, payloadBytes: w.payloadBytes, mode: kind,
        messages: split(messages, w.publishers, i), perFrame, window: windowFor(w.payloadBytes),
        rate: w.latencyRate / w.publishers, seconds: w.latencySeconds + warmupMs / 1000,
      }
      return Child.start(`${key} publisher ${i}`, './ordo-pub.js', args)
    })
    children.push(...pubs)
    await Promise.all(pubs.map((p) => p.next('ready', 30_000)))
    const total = kind === 'throughput' ? messages : Math.round(w.latencyRate * (w.latencySeconds + warmupMs / 1000))
    let lastProgress = 0
    subs[0]!.onProgress = (m) => {
      const t = Date.now()
      if (t - lastProgress < 950) return
      lastProgress = t
      progress(`${key} ${kind}: ${String(m.progress)}/${total} delivered to subscriber 0`)
    }
    const tGo = nowMs()
    for (const s of subs) s.send(`go ${tGo}`)
    for (const p of pubs) p.send('go')
    const pubTimeout = kind === 'throughput' ? 120_000 + messages / 10 : (w.latencySeconds + 30) * 1000
    const pubResults = (await Promise.all(pubs.map((p) => p.next('result', pubTimeout)))).map((m) => m.result as OrdoPubResult)
    const acked = pubResults.reduce((s, r) => s + r.acked, 0)
    for (const s of subs) s.send(`expect ${acked}`)
    const subResults = (await Promise.all(subs.map((s) => s.next('result', DRAIN_WAIT_MS + 10_000)))).map((m) => m.result as OrdoSubResult)

    const problems: string[] = []
    pubResults.forEach((r, i) => {
      if (r.acked < r.sent) problems.push(`publisher ${i}: ${r.sent - r.acked} of ${r.sent} messages not acknowledged`)
    })
    for (const r of subResults) problems.push(...r.problems)
    const sent = pubResults.reduce((s, r) => s + r.sent, 0)
    const t0 = Math.min(...pubResults.map((r) => r.t_start))
    const tSent = Math.max(...pubResults.map((r) => r.t_sent))
    const tAcked = Math.max(...pubResults.map((r) => r.t_acked))
    const delivered = Math.min(...subResults.map((r) => (r.delivered === 0 ? 0 : r.delivered / ((r.t_last - tGo) / 1000))))
    const throughput: ThroughputFigures = {
      published_per_s: sent / ((tSent - t0) / 1000),
      acked_per_s: acked / ((tAcked - t0) / 1000),
      delivered_per_s: delivered,
      messages: sent,
    }
    let latency: LatencyFigures | null = null
    if (kind === 'latency') {
      const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
      for (const r of subResults) if (r.hist !== null) h.add(hdr.decodeFromCompressedBase64(r.hist))
      if (h.totalCount === 0) {
        problems.push('no latency samples recorded')
      } else {
        latency = {
          offered_per_s: w.latencyRate,
          samples: h.totalCount,
          p50_us: h.getValueAtPercentile(50),
          p99_us: h.getValueAtPercentile(99),
          p999_us: h.getValueAtPercentile(99.9),
          max_us: h.maxValue,
        }
      }
    }
    return { throughput, latency, problems }
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}

async function runMode(w: Workload, durability: 'async' | 'fsync', progress: Progress): Promise<SystemResult> {
  const key = `ordo-ws-${durability}`
  progress(`${key}: starting \`ordo start --durability ${durability}\``)
  const server = await BenchServer.start(durability, [], w.dir ?? tmpdir())
  // The server does not watch its parent: if this process ends early (a signal, a crash), kill it by its pid.
  const killServer = (): void => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL')
    rmSync(server.dataDir, { recursive: true, force: true })
  }
  process.once('exit', killServer)
  try {
    const meter = new UsageMeter(server.proc.pid!)
    const tp = await phase(server.url, w, key, 'throughput', progress)
    progress(`${key}: throughput ${(tp.throughput.delivered_per_s / 1e6).toFixed(2)} M msg/s delivered; latency run at ${w.latencyRate} msg/s for ${w.latencySeconds} s`)
    const lat = await phase(server.url, w, key, 'latency', progress)
    const server_ = meter.finish()
    const problems = [...tp.problems, ...lat.problems.map((p) => `latency run: ${p}`)]
    return {
      key,
      label: `ordo ws ${durability}, server ceiling`,
      durability: durability === 'fsync' ? 'fsync before ack (group commit)' : 'OS page cache before ack; fsync every 20 ms',
      throughput: tp.throughput,
      latency: lat.latency,
      server: server_,
      check: { ok: problems.length === 0, problems },
      notes: [
        `the server's ceiling, not what a user of the client library gets (rows "ordo client ..."): \`ordo start --durability ${durability}\` in its own process; ${w.publishers} publisher and ${w.subscribers} subscriber processes, one bare \`ws\` connection each; Publish frames built once with their pseqs patched in place`,
        `publish: ${PER_FRAME - (PER_FRAME % w.groups)} messages per Publish frame, at most ${windowFor(w.payloadBytes)} unacknowledged per publisher (${WINDOW_BYTES / 2 ** 20} MiB at most, below the gateway's OVERLOADED limit); ${tp.throughput.messages} messages`,
        `latency: open-loop publishers paced by intended send time, messages due together share a frame (at most 64)`,
        `subscribers check every message: gsn dense and increasing, payload seq per publisher = pseq, length and filler`,
      ],
    }
  } finally {
    process.removeListener('exit', killServer)
    await server.stop()
  }
}

export const ordoWsRunner: SystemRunner = {
  name: 'ordo-ws',
  async run(w: Workload, progress: Progress): Promise<SystemResult[]> {
    return [await runMode(w, 'async', progress), await runMode(w, 'fsync', progress)]
  },
}
