// One Redis Streams publisher process (started by bench/compare/redis.ts through peer-procs.ts).
//
//   throughput: ioredis pipelines of `pipeline` XADD bench:<seq % G> * d <payload> (pipelining is ioredis's and
//               Redis's documented way to throughput: one round trip per batch), up to `window` pipelines in flight
//               on the one connection
//   latency:    paced at `rate` msg/s: every tick, the messages now due go out as one pipeline, each stamped with its
//               own due time (coordinated omission corrected)

import { Redis } from 'ioredis'
import { command, config, emit, progressEvery, runChild, sleep } from './child-io.js'
import { fillPayload, messagesOf, nowUs, paddingPatterns } from '../peer-payload.js'

Error.stackTraceLimit = 0 // same load-generator rule as the JetStream processes: no stack per failed command

export interface RedisPubConfig {
  port: number
  pub: number
  publishers: number
  messages: number
  groups: number
  payloadBytes: number
  /** XADDs per pipeline. */
  pipeline: number
  /** Pipelines in flight. */
  window: number
  /** Latency phase: this publisher's rate, and how many messages it sends (warm-up included). */
  latency?: { rate: number; count: number }
}

const MAX_ERRORS = 10

runChild(async () => {
  const cfg = config<RedisPubConfig>()
  // No reconnects and no offline queue: a benchmark against a server that went away must fail, not wait.
  const redis = new Redis({
    host: '127.0.0.1', port: cfg.port, lazyConnect: true,
    retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
  })
  await redis.connect()
  const keys = Array.from({ length: cfg.groups }, (_, g) => `bench:${g}`)
  const patterns = paddingPatterns(cfg.payloadBytes)
  const n = cfg.latency !== undefined
    ? cfg.latency.count
    : messagesOf(cfg.pub, cfg.publishers, cfg.messages)

  let sent = 0
  let acked = 0
  let lastAckUs = 0
  const errors: string[] = []
  const noteError = (text: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(text)
  }
  const inflight = new Set<Promise<void>>()

  /** Sends messages [from, to) as one pipeline; resolves when its replies are counted. */
  const sendBatch = (from: number, to: number, intendedUs: (seq: number) => number): Promise<void> => {
    const p = redis.pipeline()
    for (let seq = from; seq < to; seq++) {
      const buf = Buffer.allocUnsafe(cfg.payloadBytes) // ioredis keeps the argument until the pipeline is written
      fillPayload(buf, patterns, cfg.pub, seq, cfg.groups, intendedUs(seq))
      p.xadd(keys[seq % cfg.groups], '*', 'd', buf)
    }
    sent += to - from
    const done = p.exec().then(
      (replies) => {
        for (const [err] of replies ?? []) {
          if (err === null) acked++
          else noteError(`XADD: ${err.message}`)
        }
        lastAckUs = nowUs()
      },
      (err: unknown) => noteError(`pipeline: ${err instanceof Error ? err.message : String(err)}`),
    ).finally(() => { inflight.delete(done) })
    inflight.add(done)
    return done
  }

  emit({ t: 'ready' })
  await command('go')
  const stopProgress = progressEvery(250, () => acked)
  const firstUs = nowUs()

  if (cfg.latency !== undefined) {
    const intervalUs = 1e6 / cfg.latency.rate
    const t0 = nowUs()
    const due = (seq: number): number => t0 + seq * intervalUs
    let seq = 0
    while (seq < n) {
      const now = nowUs()
      let to = seq
      while (to < n && to - seq < cfg.pipeline && due(to) <= now) to++
      if (to > seq) {
        while (inflight.size >= cfg.window) await Promise.race(inflight)
        void sendBatch(seq, to, due)
        seq = to
      }
      if (seq < n && due(seq) > nowUs()) await sleep(Math.max(0, (due(seq) - nowUs()) / 1000))
    }
  } else {
    const t = nowUs()
    const stamp = (): number => t
    for (let seq = 0; seq < n; seq += cfg.pipeline) {
      while (inflight.size >= cfg.window) await Promise.race(inflight)
      void sendBatch(seq, Math.min(n, seq + cfg.pipeline), stamp)
    }
  }
  const lastSendUs = nowUs()
  await Promise.all(inflight)
  stopProgress()
  emit({ t: 'done', sent, acked, firstUs, lastSendUs, lastAckUs, errors })
  redis.disconnect()
})
