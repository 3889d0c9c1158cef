// What durable subscriptions cost: the same fan-out with 100 ordinary subscriptions and
// with 100 durable ones that acknowledge every Deliver frame (explicit acks), through a
// real server.
//
//   publisher (this process) ──Publish 256 x 100 B──▶ ordo start (fsync) ──Deliver──▶ subscriber process
//                                                                ▲                  (100 subscriptions on
//                                                                └──── Ack per frame  4 connections)
//
// durable_ack_overhead = delivered throughput with 100 durable subscriptions acking
// every batch ÷ with 100 ordinary subscriptions (no acks stored): the cost of storing
// acknowledgements (the server's Ack handling, the saves of durables.state, the
// watermark), with the fan-out the same on both sides. Goal >= 0.8.
// Throughput = messages published ÷ seconds from the first publish until every
// subscription received every message; the median of --runs runs per side, interleaved.
//
// Usage: node dist/bench/durable-ack-overhead.js [--json] [--runs N] [--messages N] [--subs N]
// Also importable: runDurableAckOverhead() (npm run bench:relay prints its figure).

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { decodeFrame, encodeFrame, type WireMessage } from '../codec/index.js'
import { BenchServer } from './gateway-server-proc.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'

const subscriberJs = fileURLToPath(new URL('./durable-ack-subscriber.js', import.meta.url))
const PAYLOAD_BYTES = 100
const PER_FRAME = 256
const WINDOW_FRAMES = 32

export interface DurableAckFigures {
  durable_ack_overhead: number
  ordinary_msgs_per_s: number
  durable_msgs_per_s: number
  runs: number
  messages: number
  subscriptions: number
  payload_bytes: number
  durability: 'fsync'
  server_node: string
  transport: string
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Publishes `count` messages to `group`, WINDOW_FRAMES frames in flight; resolves when all are acknowledged. */
async function publish(url: string, group: string, count: number): Promise<void> {
  const ws = new WebSocket(url)
  ws.binaryType = 'nodebuffer'
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
  })
  let publisher = 0n
  let groupId = 0
  let acked = 0
  let sent = 0
  let wake: (() => void) | null = null
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(0x61)
  ws.on('message', (data: Buffer) => {
    const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length))
    if (f.type === 'Welcome') publisher = f.publisher
    else if (f.type === 'Groups') groupId = f.ids[0]!
    else if (f.type === 'PublishAck') acked += f.pseqs.length
    else if (f.type === 'Error') throw new Error(`publish refused: ${f.code} ${f.message}`)
    wake?.()
  })
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) await new Promise<void>((r) => (wake = r))
  }
  ws.send(encodeFrame({ type: 'Hello', token: '', publisher: 0n }))
  ws.send(encodeFrame({ type: 'ResolveGroups', names: [group], create: true }))
  await until(() => publisher !== 0n && groupId !== 0)
  while (sent < count) {
    await until(() => sent - acked < WINDOW_FRAMES * PER_FRAME)
    const n = Math.min(PER_FRAME, count - sent)
    const messages: WireMessage[] = []
    for (let k = 0; k < n; k++) messages.push({ gsn: 0n, publisher, pseq: BigInt(sent + k + 1), groups: [groupId], gseqs: [0n], time: 0n, payload })
    ws.send(encodeFrame({ type: 'Publish', messages }))
    sent += n
  }
  await until(() => acked >= count)
  ws.close()
}

/** One run: a fresh group, the subscriber process ready, then publish and time until every subscription has everything. */
async function oneRun(server: BenchServer, mode: 'ordinary' | 'durable', run: number, messages: number, subs: number): Promise<number> {
  const group = `bench.${mode}.${run}`
  const child = spawn(process.execPath, [subscriberJs, server.url, group, mode, String(subs), '4', String(messages), `bench.${run}.d`], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const waitLine = (want: string): Promise<void> =>
    new Promise((res, rej) => {
      lines.on('line', (l) => l === want && res())
      child.once('exit', (code) => rej(new Error(`subscriber process exited ${code} before '${want}'`)))
    })
  try {
    await waitLine('ready')
    const done = waitLine('done')
    const t0 = performance.now()
    await publish(server.url, group, messages)
    await done
    return messages / ((performance.now() - t0) / 1000)
  } finally {
    child.kill('SIGTERM')
  }
}

export async function runDurableAckOverhead(o: { runs?: number; messages?: number; subs?: number; log?: (line: string) => void } = {}): Promise<DurableAckFigures> {
  const runs = o.runs ?? 3
  const messages = o.messages ?? 20_000
  const subs = o.subs ?? 100
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'))
  const server = await BenchServer.start('fsync')
  try {
    const ordinary: number[] = []
    const durable: number[] = []
    for (let r = 0; r < runs; r++) {
      ordinary.push(await oneRun(server, 'ordinary', r, messages, subs))
      log(`run ${r + 1}/${runs}: ordinary ${Math.round(ordinary[r]!)} msg/s`)
      durable.push(await oneRun(server, 'durable', r, messages, subs))
      log(`run ${r + 1}/${runs}: durable ${Math.round(durable[r]!)} msg/s`)
    }
    const o1 = median(ordinary)
    const d1 = median(durable)
    return {
      durable_ack_overhead: Number((d1 / o1).toFixed(3)), ordinary_msgs_per_s: Math.round(o1), durable_msgs_per_s: Math.round(d1),
      runs, messages, subscriptions: subs, payload_bytes: PAYLOAD_BYTES, durability: 'fsync', server_node: server.node, transport: server.transport,
    }
  } finally {
    await server.stop()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, runs: { type: 'string' }, messages: { type: 'string' }, subs: { type: 'string' } } })
  process.stderr.write(machineBanner() + '\n')
  warnIfFewCores(3)
  const f = await runDurableAckOverhead({ runs: Number(values.runs ?? 3), messages: Number(values.messages ?? 20_000), subs: Number(values.subs ?? 100) })
  if (values.json) process.stdout.write(JSON.stringify(f) + '\n')
  else {
    process.stdout.write(
      `durable_ack_overhead = ${f.durable_ack_overhead} (goal >= 0.8): ${f.durable_msgs_per_s} msg/s with ${f.subscriptions} durable subscriptions acking every frame vs ${f.ordinary_msgs_per_s} msg/s with ${f.subscriptions} ordinary ones\n` +
        `  ${f.messages} messages of ${f.payload_bytes} B per run, delivered to each of ${f.subscriptions} subscriptions; durability ${f.durability}; median of ${f.runs} runs; server node ${f.server_node}, transport ${f.transport}\n`,
    )
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch(async (err) => {
    process.stderr.write(`durable-ack-overhead: ${err instanceof Error ? err.message : String(err)}\n`)
    await BenchServer.stopAll()
    process.exit(1)
  })
}
