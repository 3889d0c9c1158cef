// One JetStream publisher process (started by bench/compare/jetstream.ts through peer-procs.ts).
//
//   mode 'acked': js.publish with up to `window` acknowledgements outstanding (the nats.js way to get throughput:
//                 publish asynchronously, collect the PubAck promises later), seq → subject bench.<seq % G>
//   mode 'core':  nc.publish (no ack) into the stream's subjects; a flush (PING/PONG) every FLUSH_CHUNK messages, at
//                 most two outstanding, so the socket's buffer stays bounded when the server falls behind
//   latency:      acked mode paced at `rate` msg/s: each message is stamped with its due time (not its send time), so
//                 a publisher that falls behind shows up in the latency (coordinated omission corrected)

import { connect } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { command, config, emit, progressEvery, runChild, sleep } from './child-io.js'
import { fillPayload, messagesOf, nowUs, paddingPatterns } from '../peer-payload.js'

// The client builds an Error with a stack for every publish (to report timeouts with a useful trace); without
// stacks that costs next to nothing (nearly twice the rate, measured on an idle machine of the same kind).
Error.stackTraceLimit = 0

export interface JetStreamPubConfig {
  port: number
  pub: number
  publishers: number
  /** Phase total, summed over publishers (throughput phases). */
  messages: number
  groups: number
  payloadBytes: number
  mode: 'acked' | 'core'
  /** Outstanding acknowledgements (acked mode). */
  window: number
  /** Latency phase: this publisher's rate, and how many messages it sends (warm-up included). */
  latency?: { rate: number; count: number }
}

const FLUSH_CHUNK = 8192
const MAX_ERRORS = 10

runChild(async () => {
  const cfg = config<JetStreamPubConfig>()
  const nc = await connect({ servers: `127.0.0.1:${cfg.port}` })
  const js = jetstream(nc)
  const subjects = Array.from({ length: cfg.groups }, (_, g) => `bench.${g}`)
  const patterns = paddingPatterns(cfg.payloadBytes)
  const n = cfg.latency !== undefined
    ? cfg.latency.count
    : messagesOf(cfg.pub, cfg.publishers, cfg.messages)

  let sent = 0
  let acked = 0
  let inflight = 0
  let lastAckUs = 0
  const errors: string[] = []
  let wake: (() => void) | null = null
  // Wakes the sender once half the window is free, so it refills in bursts rather than one message per ack.
  const release = (): void => {
    inflight--
    if (wake !== null && inflight <= cfg.window >> 1) {
      const w = wake
      wake = null
      w()
    }
  }
  const onAck = (): void => {
    acked++
    lastAckUs = nowUs()
    release()
  }
  const onError = (err: unknown): void => {
    if (errors.length < MAX_ERRORS) errors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err))
    release()
  }
  const roomInWindow = (): Promise<void> => new Promise((r) => { wake = r })
  const publishAcked = async (seq: number, intendedUs: number): Promise<void> => {
    if (inflight >= cfg.window) await roomInWindow()
    const buf = Buffer.allocUnsafe(cfg.payloadBytes) // the client keeps a reference until its socket write
    fillPayload(buf, patterns, cfg.pub, seq, cfg.groups, intendedUs)
    inflight++
    sent++
    js.publish(subjects[seq % cfg.groups], buf).then(onAck, onError)
  }

  emit({ t: 'ready' })
  await command('go')
  const stopProgress = progressEvery(250, () => (cfg.mode === 'acked' ? acked : sent))
  const firstUs = nowUs()

  if (cfg.latency !== undefined) {
    const intervalUs = 1e6 / cfg.latency.rate
    const t0 = nowUs()
    let seq = 0
    while (seq < n) {
      const now = nowUs()
      // Everything due by now goes out, each stamped with its own due time.
      while (seq < n && t0 + seq * intervalUs <= now) {
        await publishAcked(seq, t0 + seq * intervalUs)
        seq++
      }
      if (seq < n) await sleep(Math.max(0, (t0 + seq * intervalUs - nowUs()) / 1000))
    }
  } else if (cfg.mode === 'acked') {
    const t = nowUs()
    for (let seq = 0; seq < n; seq++) await publishAcked(seq, t)
  } else {
    const flushes: Promise<void>[] = []
    const t = nowUs()
    for (let seq = 0; seq < n; seq++) {
      const buf = Buffer.allocUnsafe(cfg.payloadBytes)
      fillPayload(buf, patterns, cfg.pub, seq, cfg.groups, t)
      nc.publish(subjects[seq % cfg.groups], buf)
      sent++
      if (sent % FLUSH_CHUNK === 0) {
        flushes.push(nc.flush())
        if (flushes.length > 2) await flushes.shift()
      }
    }
    await Promise.all(flushes)
    await nc.flush()
    acked = sent // no acknowledgements in this mode: the runner counts what the stream holds
    lastAckUs = nowUs()
  }
  const lastSendUs = nowUs()
  while (inflight > 0) await roomInWindow()
  stopProgress()
  emit({ t: 'done', sent, acked, firstUs, lastSendUs, lastAckUs, errors })
  await nc.close()
})
