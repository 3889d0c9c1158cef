// Redis Streams in the comparison: row 'redis-xadd'.
//
//   pub 0..P-1 (processes) ──pipelined XADD bench:<seq % G>──▶ redis-server (appendonly, everysec) ──▶ sub 0..S-1
//                                                                              XREAD COUNT 1000 BLOCK over G keys
//   phase 1 throughput: pipelines of PIPELINE XADDs, PIPELINE_WINDOW in flight per publisher  → acked (XADD replies)/s
//   phase 2 latency:    paced at workload.latencyRate, due messages pipelined per tick, CO corrected
//
// Each phase starts from empty keys and fresh processes. Redis orders each stream key on its own; there is no order
// across keys, so subscribers check each publisher's order per key (bench/compare/peer-payload.ts).
//
// Run alone: node dist/bench/compare/redis.js --quick (see peer-cli.ts).

import { Redis } from 'ioredis'
import { startRedis } from './peers.js'
import { UsageMeter } from './proc-usage.js'
import { runPhase, type PhaseOutcome } from './peer-procs.js'
import { ackedBy, checkWorkload, deliveryCheck, latencyFigures, latencyPlan, phaseProblems, throughputFigures } from './peer-figures.js'
import { isMain, runPeerCli } from './peer-cli.js'
import type { RedisPubConfig } from './procs/redis-pub.js'
import type { RedisSubConfig } from './procs/redis-sub.js'
import type { Progress, SystemResult, SystemRunner, Workload } from './workload.js'

/** XADDs per ioredis pipeline. */
const PIPELINE = 1000
/** Pipelines in flight per publisher connection. */
const PIPELINE_WINDOW = 4
/** Entries per key per XREAD. */
const XREAD_COUNT = 1000

const pubScript = new URL('./procs/redis-pub.js', import.meta.url)
const subScript = new URL('./procs/redis-sub.js', import.meta.url)

async function run(w: Workload, progress: Progress): Promise<SystemResult[]> {
  checkWorkload(w)
  // PeerError with install advice when redis-server is missing. Data on the same disk as every other system (--dir).
  const server = await startRedis({ parentDir: w.dir })
  let admin: Redis | undefined
  try {
    admin = new Redis({
      host: '127.0.0.1', port: server.port, lazyConnect: true,
      retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    })
    await admin.connect()
    const keys = Array.from({ length: w.groups }, (_, g) => `bench:${g}`)
    const plan = latencyPlan(w)
    const meter = new UsageMeter(server.pid)
    const phase = async (key: string, messages: number, latency: boolean): Promise<PhaseOutcome> => {
      await admin!.del(...keys)
      return runPhase({
        key, pubScript, subScript, publishers: w.publishers, subscribers: w.subscribers, messages,
        pubConfig: (pub): RedisPubConfig => ({
          port: server.port, pub, publishers: w.publishers, messages, groups: w.groups, payloadBytes: w.payloadBytes,
          pipeline: PIPELINE, window: PIPELINE_WINDOW,
          ...(latency ? { latency: { rate: plan.perPubRate, count: plan.perPubCount } } : {}),
        }),
        subConfig: (): RedisSubConfig => ({
          port: server.port, publishers: w.publishers, messages, groups: w.groups, payloadBytes: w.payloadBytes,
          count: XREAD_COUNT, latency, warmupSeqs: plan.warmupSeqs,
        }),
      }, progress)
    }

    const tput = await phase('redis-xadd', w.messages, false)
    const lat = await phase('redis-latency', plan.total, true)
    const usage = meter.finish()
    await admin.del(...keys)
    return [{
      key: 'redis-xadd',
      label: 'Redis Streams, pipelined XADD',
      durability: 'appendonly, appendfsync everysec',
      throughput: throughputFigures(tput, w.messages, ackedBy(tput)),
      latency: latencyFigures(lat, w.latencyRate),
      server: usage,
      check: deliveryCheck([...phaseProblems('throughput', tput, w.messages), ...phaseProblems('latency', lat, plan.total)]),
      notes: [
        `publishers: ioredis explicit pipelines of ${PIPELINE} XADD (one round trip per batch, as the ioredis and Redis docs advise), ` +
          `up to ${PIPELINE_WINDOW} pipelines in flight per connection`,
        `the publisher process is CPU-bound in ioredis (a Command object and a reply array per XADD, much of it GC): ` +
          `a minimal hand-written RESP client moved about twice as many XADDs per second; the comparison uses ioredis, the client Redis users pick`,
        `subscribers: one process each, XREAD COUNT ${XREAD_COUNT} BLOCK 1000 over the ${w.groups} stream key(s) bench:<group>`,
        `Redis orders each stream key on its own: order is checked per publisher per key, not across keys`,
        `streams are not trimmed (no MAXLEN) during a phase: the server holds every message, and its peak RSS shows it`,
        `latency: paced at ${w.latencyRate} msg/s for ${w.latencySeconds} s after ${plan.warmupSeqs} warm-up messages per publisher, ` +
          `due messages pipelined per tick, stamped with intended send times (CO corrected, CLOCK_MONOTONIC shared by the processes); ` +
          `the worst subscriber's figures are shown`,
        `Error.stackTraceLimit = 0 in the publisher and subscriber processes, as for JetStream`,
        `server CPU: the throughput run plus the latency run`,
      ],
    }]
  } finally {
    admin?.disconnect()
    await server.stop()
  }
}

export const redisRunner: SystemRunner = { name: 'redis', run }

if (isMain(import.meta.url)) {
  runPeerCli(redisRunner).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
