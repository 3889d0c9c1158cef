// The machine's bare limits, measured in the same run as the systems, so each ordo figure can be printed as a
// fraction of the ceiling it runs under:
//
//   bare ring      P producer threads ─▶ SPSC SAB rings ─▶ 1 consumer thread (bare-ring-lib.ts), records the size of
//                  ordo's canonical blob for this payload with one group: the ceiling of the embedded engine
//   uWS fan-out    uWS.js server process, no engine, sends one pre-built frame of 100 messages (same blob size)
//                  ─▶ S `ws` clients in another process: the ceiling of ordo's WebSocket delivery
//   bare relay     uWS.js server process (bench/latency/relay-server.ts), no engine, relays each frame from one
//                  `ws` publisher to S `ws` subscribers,
//                  paced like the client-library latency run (same rate, same due-time stamps, same clocks): the
//                  floor of publish->deliver latency for one WebSocket hop each way
//   disk           1 MiB sequential writes + one fsync at the end (MB/s); 4 KiB append + fsync loop (fsyncs/s),
//                  in a temp directory under --dir: the ceilings of the journal
//
// Both WebSocket servers run on the transport the gateway picks on this runtime: uWS.js where a build loads, its
// `ws` fallback otherwise (Node 22 and 24 on glibc < 2.38), as ordo's own rows do; the limits line names it.
//
// Figures measured on an idle machine of the same kind (2-core VM): ring 8.6 M msg/s (1 producer, 100 B), uWS
// 15 M msg/s to 100 clients with 100 messages per frame, 1.9 GB/s write + fsync, 3.6 k fsyncs/s.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as hdr from 'hdr-histogram-js'
import { blobLength } from '../../codec/index.js'
import { runBareRing } from '../bare-ring-lib.js'
import { Child } from './procs/child.js'
import { sharedClockMs } from './procs/ordo-payload.js'
import type { BareRelayPubArgs } from './procs/bare-relay-pub.js'
import type { OrdoSubResult } from './procs/ordo-sub.js'
import type { Progress, Workload } from './workload.js'

export interface LimitFigures {
  bare_ring_msgs_per_s: number | null
  bare_ring_producers: number
  bare_ring_record_bytes: number
  uws_fanout_msgs_per_s: number | null
  /** The slowest client's share, msg/s. */
  uws_fanout_min_client_msgs_per_s: number | null
  uws_fanout_clients: number
  uws_fanout_messages_per_frame: number
  /** The WebSocket server the fan-out limit and the bare relay ran on: the gateway's pick for this runtime. */
  limit_transport: string | null
  /** publish->deliver through a bare relay (uWS, or the gateway's ws fallback where no uWS build loads) at the run's latency rate (null: not measured). */
  bare_relay_p50_us: number | null
  bare_relay_p99_us: number | null
  bare_relay_p999_us: number | null
  bare_relay_max_us: number | null
  bare_relay_samples: number
  disk_write_mb_per_s: number | null
  disk_write_mib: number
  disk_fsyncs_per_s: number | null
  /** Self-checks of the limit runs (bare ring verification, the fan-out measured something). Empty when fine. */
  problems: string[]
  /** What the reader should know but that does not void a figure (frames that arrived other than sent). */
  warnings: string[]
}

const FANOUT_PER_FRAME = 100

async function uwsFanout(clients: number, messageBytes: number, seconds: number, warmupMs: number): Promise<{ perS: number; minClientPerS: number; transport: string; problem: string | null; warning: string | null }> {
  const server = Child.start('uWS fan-out server', './uws-fanout-server.js', { perFrame: FANOUT_PER_FRAME, messageBytes })
  let client: Child | null = null
  try {
    const ready = (await server.next('ready', 15_000)).ready as { port: number; transport: string }
    client = Child.start('ws fan-out clients', './ws-fanout-clients.js', { url: `ws://127.0.0.1:${ready.port}/`, clients, perFrame: FANOUT_PER_FRAME, messageBytes, warmupMs, seconds })
    await client.next('ready', 30_000)
    server.send('go')
    client.send('go')
    const r = (await client.next('result', warmupMs + seconds * 1000 + 30_000)).result as { messages: number; seconds: number; per_client_min: number; bad_frames: number; first_bad: string }
    server.send('stop')
    // A client starved in the window is part of what the limit is (uWS serves sockets in turn), not a failed
    // measurement; only nothing received at all means the run measured nothing.
    const problem = r.messages === 0 ? 'uWS fan-out: the clients received nothing' : null
    // A frame that arrives other than sent is not this run's fault to hide nor a delivery check of a system: it is
    // reported beside the limit. Seen here about once in 10^6 frames: a message that starts with a WebSocket header
    // (82 7e 4e 20 = binary, 16-bit length 20000) followed by the frame shifted by 4 bytes. A raw TCP parser reading
    // the same server saw none in 1.5 M frames, so the `ws` 8.18 receiver is the suspect, not the bytes uWS sent.
    const warning = r.bad_frames === 0 ? null : `uWS fan-out: ${r.bad_frames} frame(s) arrived other than sent and were not counted (first: ${r.first_bad})`
    return { perS: r.messages / r.seconds, minClientPerS: r.per_client_min / r.seconds, transport: ready.transport, problem, warning }
  } finally {
    await Promise.all([server.stop(), client?.stop()])
  }
}

/** The bare relay's latency at the run's rate: relay server, one paced publisher, S subscribers, each its own process. */
async function bareRelay(w: Workload, warmupMs: number): Promise<{ hist: hdr.Histogram; problems: string[] }> {
  // The latency benchmark's relay (bench/latency/relay-server.ts): uWS where a build loads, the gateway's `ws` fallback otherwise.
  const server = Child.start('bare relay server', '../../latency/relay-server.js', {})
  const children: Child[] = [server]
  try {
    const port = Number(new URL(((await server.next('ready', 15_000)).ready as { url: string }).url).port)
    const subs = Array.from({ length: w.subscribers }, (_, i) => Child.start(`bare relay subscriber ${i}`, './bare-relay-sub.js', { url: `ws://127.0.0.1:${port}/sub`, warmupMs, waitMs: 10_000 }))
    children.push(...subs)
    await Promise.all(subs.map((s) => s.next('ready', 15_000)))
    const args: BareRelayPubArgs = { url: `ws://127.0.0.1:${port}/pub`, payloadBytes: w.payloadBytes, rate: w.latencyRate, seconds: w.latencySeconds + warmupMs / 1000 }
    const pub = Child.start('bare relay publisher', './bare-relay-pub.js', args)
    children.push(pub)
    await pub.next('ready', 15_000)
    const tGo = sharedClockMs()
    for (const s of subs) s.send(`go ${tGo}`)
    pub.send('go')
    const sent = ((await pub.next('result', (w.latencySeconds + 30) * 1000)).result as { sent: number }).sent
    for (const s of subs) s.send(`expect ${sent}`)
    const results = (await Promise.all(subs.map((s) => s.next('result', 20_000)))).map((m) => m.result as OrdoSubResult)
    const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
    for (const r of results) if (r.hist !== null) hist.add(hdr.decodeFromCompressedBase64(r.hist))
    return { hist, problems: results.flatMap((r) => r.problems) }
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}

function diskWrite(dir: string, mib: number): number {
  const file = path.join(dir, 'seq-write')
  const block = Buffer.alloc(1 << 20)
  for (let i = 0; i < block.length; i += 8) block.writeUInt32LE(i * 2654435761 >>> 0, i)
  const fd = fs.openSync(file, 'w')
  try {
    const t0 = performance.now()
    for (let i = 0; i < mib; i++) fs.writeSync(fd, block)
    fs.fsyncSync(fd)
    return (mib * (1 << 20)) / 1e6 / ((performance.now() - t0) / 1000)
  } finally {
    fs.closeSync(fd)
    fs.rmSync(file, { force: true })
  }
}

function diskFsyncs(dir: string, seconds: number): number {
  const file = path.join(dir, 'fsync-loop')
  const block = Buffer.alloc(4096, 0x5a)
  const fd = fs.openSync(file, 'a')
  try {
    let n = 0
    const t0 = performance.now()
    const end = t0 + seconds * 1000
    while (performance.now() < end) {
      fs.writeSync(fd, block)
      fs.fsyncSync(fd)
      n++
    }
    return n / ((performance.now() - t0) / 1000)
  } finally {
    fs.closeSync(fd)
    fs.rmSync(file, { force: true })
  }
}

export async function runLimits(w: Workload, progress: Progress): Promise<LimitFigures> {
  const recordBytes = blobLength(1, w.payloadBytes)
  const seconds = w.quick ? 1 : 3
  const warmupMs = w.quick ? 300 : 500
  const problems: string[] = []
  const out: LimitFigures = {
    bare_ring_msgs_per_s: null,
    bare_ring_producers: w.publishers,
    bare_ring_record_bytes: recordBytes,
    uws_fanout_msgs_per_s: null,
    uws_fanout_min_client_msgs_per_s: null,
    uws_fanout_clients: w.subscribers,
    uws_fanout_messages_per_frame: FANOUT_PER_FRAME,
    limit_transport: null,
    bare_relay_p50_us: null,
    bare_relay_p99_us: null,
    bare_relay_p999_us: null,
    bare_relay_max_us: null,
    bare_relay_samples: 0,
    disk_write_mb_per_s: null,
    disk_write_mib: w.quick ? 256 : 1024,
    disk_fsyncs_per_s: null,
    problems,
    warnings: [],
  }

  progress(`limits: bare SAB ring, ${w.publishers} producer thread(s) -> 1 consumer, ${recordBytes} B records, ${seconds} s`)
  const ring = await runBareRing({ producers: w.publishers, recordBytes, seconds, batch: 256, warmupSeconds: warmupMs / 1000 })
  out.bare_ring_msgs_per_s = ring.msgsPerSec
  if (!ring.verified) problems.push(`bare ring: ${ring.problem}`)

  progress(`limits: WebSocket fan-out, no engine, ${FANOUT_PER_FRAME} x ${recordBytes} B messages per frame -> ${w.subscribers} ws client(s), ${seconds} s`)
  try {
    const f = await uwsFanout(w.subscribers, recordBytes, seconds, warmupMs)
    out.uws_fanout_msgs_per_s = f.perS
    out.uws_fanout_min_client_msgs_per_s = f.minClientPerS
    out.limit_transport = f.transport
    if (f.problem !== null) problems.push(f.problem)
    if (f.warning !== null) out.warnings.push(f.warning)
  } catch (e) {
    problems.push(`uWS fan-out: ${e instanceof Error ? e.message : String(e)}`)
  }

  progress(`limits: bare relay, no engine, 1 ws publisher -> ${w.subscribers} ws subscriber(s) at ${w.latencyRate} msg/s for ${w.latencySeconds} s (latency floor)`)
  try {
    // The same warm-up as the client-library latency run (ordo-client.ts), so both histograms cover the same span.
    const r = await bareRelay(w, w.quick ? 500 : 1000)
    problems.push(...r.problems)
    if (r.hist.totalCount === 0) problems.push('bare relay: no latency samples recorded')
    else {
      out.bare_relay_p50_us = r.hist.getValueAtPercentile(50)
      out.bare_relay_p99_us = r.hist.getValueAtPercentile(99)
      out.bare_relay_p999_us = r.hist.getValueAtPercentile(99.9)
      out.bare_relay_max_us = r.hist.maxValue
      out.bare_relay_samples = r.hist.totalCount
    }
  } catch (e) {
    problems.push(`bare relay: ${e instanceof Error ? e.message : String(e)}`)
  }

  const dir = fs.mkdtempSync(path.join(w.dir ?? os.tmpdir(), 'ordo-compare-disk-'))
  try {
    progress(`limits: disk under ${dir}: ${out.disk_write_mib} MiB of 1 MiB writes + fsync, then 4 KiB append + fsync for ${seconds} s`)
    out.disk_write_mb_per_s = diskWrite(dir, out.disk_write_mib)
    out.disk_fsyncs_per_s = diskFsyncs(dir, seconds)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return out
}
