// One Redis Streams subscriber process (started by bench/compare/redis.ts through peer-procs.ts): XREAD COUNT
// `count` BLOCK 1000 over all G stream keys from the ids it has read up to, each message checked as it arrives.
// Redis orders each key on its own, so the check is per (publisher, key): seq g, g+G, g+2G, ... on key g.
// BLOCK 1000 bounds each call, so a "stop" from the runner is seen within a second.

import { Redis } from 'ioredis'
import * as hdr from 'hdr-histogram-js'
import { config, emit, progressEvery, received, runChild } from './child-io.js'
import { DeliveryChecker, nowUs, payloadIntendedUs, payloadSeq } from '../peer-payload.js'
import { emitSubscriberDone } from './subscriber-done.js'

Error.stackTraceLimit = 0

export interface RedisSubConfig {
  port: number
  publishers: number
  messages: number
  groups: number
  payloadBytes: number
  /** Entries per key per XREAD. */
  count: number
  /** Record publish→deliver latency (latency phase). */
  latency: boolean
  /** Latency phase: each publisher's first `warmupSeqs` messages are checked but not recorded (JIT, connections). */
  warmupSeqs: number
}

/** XREAD's RESP2 reply with buffers: per key, its entries as [id, [field, value, ...]]. */
type XReadReply = [key: Buffer, entries: [id: Buffer, fields: Buffer[]][]][] | null

runChild(async () => {
  const cfg = config<RedisSubConfig>()
  const redis = new Redis({
    host: '127.0.0.1', port: cfg.port, lazyConnect: true,
    retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
  })
  await redis.connect()
  const keys = Array.from({ length: cfg.groups }, (_, g) => `bench:${g}`)
  const groupOfKey = new Map(keys.map((k, g) => [k, g]))
  const ids = keys.map(() => '0')
  const checker = new DeliveryChecker(cfg.publishers, cfg.messages, cfg.groups, cfg.groups, cfg.payloadBytes)
  const hist = cfg.latency
    ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
    : null
  let count = 0
  let negative = 0
  let firstUs = 0
  let lastUs = 0

  emit({ t: 'ready' })
  const stopProgress = progressEvery(250, () => checker.received)
  while (!checker.complete() && !received('stop')) {
    const reply = (await redis.xreadBuffer('COUNT', cfg.count, 'BLOCK', 1000, 'STREAMS', ...keys, ...ids)) as unknown as XReadReply
    if (reply === null) continue
    const now = nowUs()
    if (count === 0) firstUs = now
    lastUs = now
    for (const [key, entries] of reply) {
      const g = groupOfKey.get(key.toString('latin1'))
      if (g === undefined) throw new Error(`XREAD answered for a key not asked for: ${key.toString('latin1')}`)
      for (const [, fields] of entries) {
        count++
        const payload = fields[1]
        if (fields.length !== 2 || payload === undefined) {
          checker.accept(new Uint8Array(0), 0, 0, g) // records a wrong-size message
          continue
        }
        checker.accept(payload, 0, payload.length, g)
        if (hist !== null && payload.length >= 24 && payloadSeq(payload, 0) >= cfg.warmupSeqs) {
          const us = now - payloadIntendedUs(payload, 0)
          if (us < 0) negative++ // impossible on one monotonic clock: counted, so a clock bug cannot hide
          hist.recordValue(Math.max(1, Math.round(us)))
        }
      }
      if (entries.length > 0) ids[g] = entries[entries.length - 1][0].toString('latin1')
    }
  }
  stopProgress()
  emitSubscriberDone(checker, negative, count, firstUs, lastUs, hist)
  redis.disconnect()
})
