// NATS JetStream in the comparison: rows 'jetstream-acked' and 'jetstream-stored'.
//
//   pub 0..P-1 (processes) ──bench.<seq % G>──▶ nats-server -js (file store, stream BENCH: bench.*) ──▶ sub 0..S-1
//                                                                                     ordered consumer, whole stream
//   phase 1 'acked':   js.publish, window of PUB_WINDOW outstanding PubAcks per publisher     → acked/s
//   phase 2 'stored':  nc.publish (core NATS, no ack), flushed; the runner polls stream info  → stored/s
//   phase 3 latency:   acked publish paced at workload.latencyRate, CO corrected              → p50/p99/p99.9/max
//
// Each phase gets a fresh stream and fresh processes. One nats-server (bench/compare/peers.ts) serves all three; its
// CPU is metered per row (acked row: phases 1 and 3; stored row: phase 2), its peak RSS is the server's peak so far.
//
// Run alone: node dist/bench/compare/jetstream.js --quick (see peer-cli.ts).

import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream'
import { startNats } from './peers.js'
import { UsageMeter } from './proc-usage.js'
import { runPhase, type PhaseOutcome } from './peer-procs.js'
import { ackedBy, checkWorkload, deliveryCheck, latencyFigures, latencyPlan, phaseProblems, phaseStartUs, throughputFigures } from './peer-figures.js'
import { nowUs } from './peer-payload.js'
import { isMain, runPeerCli } from './peer-cli.js'
import type { JetStreamPubConfig } from './procs/jetstream-pub.js'
import type { JetStreamSubConfig } from './procs/jetstream-sub.js'
import type { Progress, ServerUsage, SystemResult, SystemRunner, Workload } from './workload.js'

const STREAM = 'BENCH'
/** Outstanding js.publish acknowledgements per publisher. 256–1024 gave the best acked rates in development; 4096
 *  was slower (the first acks came after up to a second, the server working through the burst). */
const PUB_WINDOW = 1024
/** How often the stored phase asks the server how many messages the stream holds. */
const STORED_POLL_MS = 10
/** The stored phase gives up when the stream's count has not moved for this long. */
const STORED_STALL_MS = 10_000
const DURABILITY = 'page cache; fsync every 2 min (nats-server default sync_interval)'

const pubScript = new URL('./procs/jetstream-pub.js', import.meta.url)
const subScript = new URL('./procs/jetstream-sub.js', import.meta.url)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function freshStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.delete(STREAM)
  } catch {
    // not there yet
  }
  await jsm.streams.add({ name: STREAM, subjects: ['bench.*'], storage: StorageType.File, num_replicas: 1 })
}

/** Polls the stream's message count until it holds `target` or stops growing for STORED_STALL_MS. */
async function watchStored(jsm: JetStreamManager, target: number, into: { count: number; atUs: number }): Promise<void> {
  let lastChange = Date.now()
  for (;;) {
    const n = (await jsm.streams.info(STREAM)).state.messages
    if (n !== into.count) {
      into.count = n
      into.atUs = nowUs()
      lastChange = Date.now()
    }
    if (n >= target || Date.now() - lastChange > STORED_STALL_MS) return
    await sleep(STORED_POLL_MS)
  }
}

function addUsage(a: ServerUsage, b: ServerUsage): ServerUsage {
  return {
    cpu_s: a.cpu_s === null || b.cpu_s === null ? null : a.cpu_s + b.cpu_s,
    peak_rss_bytes: b.peak_rss_bytes ?? a.peak_rss_bytes,
  }
}

async function run(w: Workload, progress: Progress): Promise<SystemResult[]> {
  checkWorkload(w)
  // PeerError with install advice when nats-server is missing. Data on the same disk as every other system (--dir).
  const server = await startNats({ parentDir: w.dir })
  let nc: NatsConnection | undefined
  try {
    nc = await connect({ servers: `127.0.0.1:${server.port}` })
    const jsm = await jetstreamManager(nc)
    const plan = latencyPlan(w)
    const phase = async (key: string, mode: 'acked' | 'core', messages: number, latency: boolean,
      watch?: () => Promise<void>): Promise<{ o: PhaseOutcome; usage: ServerUsage }> => {
      await freshStream(jsm)
      const meter = new UsageMeter(server.pid)
      const o = await runPhase({
        key, pubScript, subScript, publishers: w.publishers, subscribers: w.subscribers, messages, watch,
        pubConfig: (pub): JetStreamPubConfig => ({
          port: server.port, pub, publishers: w.publishers, messages, groups: w.groups, payloadBytes: w.payloadBytes,
          mode, window: PUB_WINDOW, ...(latency ? { latency: { rate: plan.perPubRate, count: plan.perPubCount } } : {}),
        }),
        subConfig: (): JetStreamSubConfig => ({
          port: server.port, stream: STREAM, publishers: w.publishers, messages, groups: w.groups,
          payloadBytes: w.payloadBytes, latency, warmupSeqs: plan.warmupSeqs,
        }),
      }, progress)
      return { o, usage: meter.finish() }
    }

    const acked = await phase('jetstream-acked', 'acked', w.messages, false)
    const stored = { count: 0, atUs: 0 }
    const core = await phase('jetstream-stored', 'core', w.messages, false, () => watchStored(jsm, w.messages, stored))
    const lat = await phase('jetstream-latency', 'acked', plan.total, true)

    const clientNotes = [
      `subscribers: one process each, an ordered consumer (the nats.js way to read a whole stream in order) pulling batches of 10 000`,
      `Error.stackTraceLimit = 0 in every publisher and subscriber process: the client builds an error stack per publish`,
      `stream ${STREAM}: file storage, 1 replica, subjects bench.<group> for ${w.groups} group(s); a fresh stream per phase`,
    ]
    const storedProblems = phaseProblems('stored', core.o, w.messages)
    if (stored.count !== w.messages) storedProblems.push(`stored: the stream holds ${stored.count} of ${w.messages} messages`)
    const storedStart = phaseStartUs(core.o)
    const storedFigures = throughputFigures(core.o, w.messages, { count: stored.count, untilUs: stored.atUs })
    return [
      {
        key: 'jetstream-acked',
        label: 'NATS JetStream, acked publish',
        durability: DURABILITY,
        throughput: throughputFigures(acked.o, w.messages, ackedBy(acked.o)),
        latency: latencyFigures(lat.o, w.latencyRate),
        server: addUsage(acked.usage, lat.usage),
        check: deliveryCheck([...phaseProblems('acked', acked.o, w.messages), ...phaseProblems('latency', lat.o, plan.total)]),
        notes: [
          `publishers: js.publish with up to ${PUB_WINDOW} acknowledgements outstanding per publisher (async publish, the nats.js way to throughput); ` +
            `refilled when half the window is free; 1024 beat 4096 in development (a deeper window delayed the first acks by up to a second)`,
          ...clientNotes,
          `latency: acked publish paced at ${w.latencyRate} msg/s for ${w.latencySeconds} s after ${plan.warmupSeqs} warm-up messages per publisher, ` +
            `stamped with intended send times (CO corrected, CLOCK_MONOTONIC shared by the processes); the worst subscriber's figures are shown`,
          `server CPU: the acked throughput run plus the latency run`,
        ],
      },
      {
        key: 'jetstream-stored',
        label: 'NATS JetStream, unacked publish',
        durability: DURABILITY,
        throughput: storedFigures,
        latency: null,
        server: core.usage,
        check: deliveryCheck(storedProblems),
        notes: [
          `acked_per_s here is the stored rate: messages the stream holds (stream info, polled every ${STORED_POLL_MS} ms) ` +
            `over the time from the first publish until it held all ${w.messages} (${((stored.atUs - storedStart) / 1e6).toFixed(2)} s); no per-message acks`,
          `publishers: core nc.publish (no ack) into the stream's subjects, a flush (PING/PONG) every 8192 messages, at most 2 outstanding`,
          ...clientNotes,
        ],
      },
    ]
  } finally {
    await nc?.close().catch(() => undefined)
    await server.stop()
  }
}

export const jetstreamRunner: SystemRunner = { name: 'jetstream', run }

if (isMain(import.meta.url)) {
  runPeerCli(jetstreamRunner).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
