// One JetStream subscriber process (started by bench/compare/jetstream.ts through peer-procs.ts): an ordered
// consumer (the nats.js consumer for reading a whole stream in order; the library creates and re-creates it) over
// every subject of the file-backed stream, pulled in batches of PULL_BATCH, each message checked as it arrives.

import { connect } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import * as hdr from 'hdr-histogram-js'
import { command, config, emit, progressEvery, runChild } from './child-io.js'
import { DeliveryChecker, nowUs, payloadIntendedUs, payloadSeq } from '../peer-payload.js'
import { emitSubscriberDone } from './subscriber-done.js'

Error.stackTraceLimit = 0 // see jetstream-pub.ts

export interface JetStreamSubConfig {
  port: number
  stream: string
  publishers: number
  /** Messages each publisher's share adds up to (the phase total). */
  messages: number
  groups: number
  payloadBytes: number
  /** Record publish→deliver latency (latency phase). */
  latency: boolean
  /** Latency phase: each publisher's first `warmupSeqs` messages are checked but not recorded (JIT, connections). */
  warmupSeqs: number
}

/** Messages per pull request: big batches are the documented way to read fast; the client re-pulls at half. */
const PULL_BATCH = 10_000

runChild(async () => {
  const cfg = config<JetStreamSubConfig>()
  const nc = await connect({ servers: `127.0.0.1:${cfg.port}` })
  const js = jetstream(nc)
  const checker = new DeliveryChecker(cfg.publishers, cfg.messages, cfg.groups, 1, cfg.payloadBytes)
  const hist = cfg.latency
    ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
    : null
  let count = 0
  let negative = 0
  let firstUs = 0
  let lastUs = 0
  let finished: () => void = () => undefined
  const complete = new Promise<void>((r) => { finished = r })

  const consumer = await js.consumers.get(cfg.stream)
  const messages = await consumer.consume({
    max_messages: PULL_BATCH,
    callback: (m) => {
      const data = m.data
      const now = nowUs()
      if (count === 0) firstUs = now
      lastUs = now
      count++
      checker.accept(data, 0, data.length, -1)
      if (hist !== null && data.length >= 24 && payloadSeq(data, 0) >= cfg.warmupSeqs) {
        const us = now - payloadIntendedUs(data, 0)
        if (us < 0) negative++ // impossible on one monotonic clock: counted, so a clock bug cannot hide
        hist.recordValue(Math.max(1, Math.round(us)))
      }
      if (checker.received === cfg.messages && checker.complete()) finished()
    },
  })
  emit({ t: 'ready' })
  const stopProgress = progressEvery(250, () => checker.received)
  if (cfg.messages > 0) await Promise.race([complete, command('stop')])
  stopProgress()
  emitSubscriberDone(checker, negative, count, firstUs, lastUs, hist)
  await messages.close()
  await nc.close()
})
