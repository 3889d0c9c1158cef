// How fast can a leader append to the replicated log, and how fast can a follower read it back?
//
//   leader (this process)                           3 nats-servers, 127.0.0.1, one JetStream cluster
//   FencedAppender ──entries, W in flight──▶ stream ORDO_<bench> (R3, file, sync_interval: always)
//     journal records of S bytes                    stream leader: fence check → Raft → fsync ×3 → ack
//     (S/100 messages of 100 B each)    ◀──acks──
//   LogTail / pull consumer ◀──────────────────── read the same entries back
//
// For each entry size S (4 KiB, 64 KiB, 256 KiB) and window W (1, 8, 32): entries/s, MB/s, messages/s at
// 100 B per message, and the latency from append() to the committed report (p50/p99, µs). Then the read rate
// of the tail (ordered consumer, what LogTail uses) and of an ephemeral pull consumer with no acks, on a log
// of 64 KiB entries. Each point: a warm-up, then several runs, the median printed; self-checked (every entry
// committed in order, stored once). The last line answers: how large must entries be for 500 000 msg/s of
// 100 B (50 MB/s) through the log?
//
//   npm run bench:cluster-log -- [--seconds 3] [--runs 3] [--sizes 4096,65536,262144] [--windows 1,8,32]
//        [--read-entries 3000] [--dir /path] [--json]
//
// All three servers and this process share the machine's cores and one disk: on a 2-core machine the
// figures measure the servers' fsyncs and CPU as much as the client.

import os from 'node:os'
import { parseArgs } from 'node:util'
import * as hdr from 'hdr-histogram-js'
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream'
import {
  APPEND_FULL,
  type ClusterLog,
  FencedAppender,
  LogTail,
  openLog,
  tryTakeOver,
} from '../engine/cluster/index.js'
import { encodeRecord } from '../engine/journal/record-encoder.js'
import { recordBytes } from '../engine/journal/segment-descriptor.js'
import { startLocalNatsCluster } from '../tools/nats/local-nats-cluster.js'
import { natsServerBinary, natsServerVersion } from '../tools/nats/nats-binary.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    sizes: { type: 'string', default: '4096,65536,262144' },
    windows: { type: 'string', default: '1,8,32' },
    'read-entries': { type: 'string', default: '3000' },
    'msg-bytes': { type: 'string', default: '100' },
    dir: { type: 'string', default: os.tmpdir() },
    json: { type: 'boolean', default: false },
  },
})
const seconds = Number(values.seconds)
const runs = Number(values.runs)
const sizes = values.sizes.split(',').map(Number)
const windows = values.windows.split(',').map(Number)
const readEntries = Number(values['read-entries'])
const msgBytes = Number(values['msg-bytes'])
const TARGET_MSGS = 500_000
const progress = (s: string): void => void process.stderr.write(`cluster-log-append: ${s}\n`)

interface Point {
  entryBytes: number
  window: number
  entriesPerS: number
  mbPerS: number
  msgsPerS: number
  ackP50Us: number
  ackP99Us: number
  ok: boolean
}

/** A ring of reusable record buffers: the appender keeps a record until it is committed (≤ window in flight). */
class RecordRing {
  readonly #bufs: Uint8Array[]
  readonly #views: DataView[]
  readonly #body: Uint8Array
  #i = 0
  constructor(slots: number, readonly batchBytes: number) {
    this.#body = new Uint8Array(batchBytes).map((_, i) => (i * 31) & 255)
    this.#bufs = Array.from({ length: slots }, () => new Uint8Array(recordBytes(batchBytes)))
    this.#views = this.#bufs.map((b) => new DataView(b.buffer))
  }
  next(firstGsn: number, count: number): Uint8Array {
    const k = this.#i++ % this.#bufs.length
    encodeRecord(this.#bufs[k]!, this.#views[k]!, 0, this.#body, 0, this.batchBytes, firstGsn, count)
    return this.#bufs[k]!
  }
}

let benchSeq = 0
async function freshLog(urls: string[]): Promise<ClusterLog> {
  const log = await openLog({ urls, cluster: `bench${process.pid}x${benchSeq++}`, connectTimeoutMs: 3000 })
  const won = await tryTakeOver(log, { epoch: 1, node: 'bench', url: '', committedGsn: 0, fenceSeq: 0 })
  if (won.outcome !== 'won') throw new Error(`bench: could not take epoch 1: ${JSON.stringify(won)}`)
  return log
}

/** Gsns continue across the runs on one log: a Msg-Id (<epoch>.<first gsn>) must never repeat. */
const nextGsnOf = new Map<ClusterLog, number>()

/** Appends for `ms` with a closed loop (the window always full), returns the figures of that span. */
async function appendFor(log: ClusterLog, entryBytes: number, window: number, ms: number): Promise<Point> {
  const batchBytes = entryBytes - 24 // the record header; padding keeps it 8-aligned
  const count = Math.max(1, Math.floor(batchBytes / msgBytes))
  const ring = new RecordRing(window + 1, batchBytes)
  const sentAt = new Float64Array(window)
  const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
  const start = await log.lastSeq()
  let committed = 0
  let inOrder = true
  let expectSeq = start + 1
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const appender = new FencedAppender(log, {
    epoch: 1,
    afterSeq: start,
    lastGsn: (nextGsnOf.get(log) ?? 1) - 1,
    window,
    resendAfterMs: 5000,
    handler: {
      committed: (ticket, seq) => {
        hist.recordValue(Math.max(1, Math.round((performance.now() - sentAt[ticket % window]!) * 1000)))
        if (seq !== expectSeq++) inOrder = false
        committed++
        wake?.()
      },
      stopped: (e) => {
        failure = e
        wake?.()
      },
    },
  })
  const firstGsn = nextGsnOf.get(log) ?? 1
  let gsn = firstGsn
  const t0 = performance.now()
  while (performance.now() - t0 < ms && failure === undefined) {
    const r = ring.next(gsn, count)
    let t = appender.appendBatch(r)
    while (t === APPEND_FULL && failure === undefined) {
      await new Promise<void>((res) => (wake = res))
      wake = undefined
      t = appender.appendBatch(r)
    }
    if (t < 0) break
    sentAt[t % window] = performance.now()
    gsn += count
  }
  nextGsnOf.set(log, gsn)
  const sent = (gsn - firstGsn) / count
  while (committed < sent && failure === undefined) await new Promise<void>((res) => (wake = res))
  const elapsed = (performance.now() - t0) / 1000
  appender.stop()
  if (failure !== undefined && committed < sent) throw failure
  const stored = (await log.lastSeq()) - start
  const entriesPerS = committed / elapsed
  return {
    entryBytes,
    window,
    entriesPerS,
    mbPerS: (entriesPerS * recordBytes(batchBytes)) / 1e6,
    msgsPerS: entriesPerS * count,
    ackP50Us: hist.getValueAtPercentile(50),
    ackP99Us: hist.getValueAtPercentile(99),
    ok: inOrder && stored === committed,
  }
}

function median<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!
}

/** Reads entries 1..end with LogTail (an ordered consumer); returns entries/s, or -1 if the count is wrong. */
async function readOrdered(log: ClusterLog, end: number): Promise<number> {
  let n = 0
  let done!: () => void
  const reached = new Promise<void>((r) => (done = r))
  const t0 = performance.now()
  const tail = await LogTail.start(log, {
    fromSeq: 1,
    onEntry: (e) => {
      n++
      if (e.seq >= end) done()
    },
  })
  await reached
  const ms = performance.now() - t0
  await tail.stop()
  return n === end ? end / (ms / 1000) : -1
}

/** Reads entries 1..end with an ephemeral pull consumer without acks; entries/s, or -1 if the count is wrong. */
async function readPull(log: ClusterLog, end: number): Promise<number> {
  const t0 = performance.now()
  const ci = await log.jsm.consumers.add(log.names.logStream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    mem_storage: true,
    inactive_threshold: 30_000_000_000,
  })
  const c = await log.js.consumers.get(log.names.logStream, ci.name)
  let n = 0
  let done!: () => void
  const reached = new Promise<void>((r) => (done = r))
  const iter = await c.consume({
    max_messages: 512,
    callback: (msg) => {
      n++
      if (msg.seq >= end) done()
    },
  })
  await reached
  const ms = performance.now() - t0
  await iter.close()
  await log.jsm.consumers.delete(log.names.logStream, ci.name)
  return n === end ? end / (ms / 1000) : -1
}

/** Both readers, alternated three times (the first read also warms the servers' caches); medians. */
async function readRates(log: ClusterLog, entryBytes: number): Promise<{ orderedPerS: number; pullPerS: number; entries: number; ok: boolean }> {
  const end = await log.lastSeq()
  const ordered: number[] = []
  const pull: number[] = []
  for (let round = 0; round < 3; round++) {
    ordered.push(await readOrdered(log, end))
    pull.push(await readPull(log, end))
    progress(`read back ${end} entries of ${entryBytes} B, round ${round + 1}: ordered consumer ${Math.round(ordered.at(-1)!)} entries/s, pull consumer ${Math.round(pull.at(-1)!)} entries/s`)
  }
  const med = (xs: number[]): number => median(xs, (x) => x)
  return { orderedPerS: med(ordered), pullPerS: med(pull), entries: end, ok: ordered.every((x) => x > 0) && pull.every((x) => x > 0) }
}

const binary = natsServerBinary()
console.log(machineBanner())
console.log(`nats-server ${natsServerVersion(binary) ?? '?'} (${binary}), 3 servers on 127.0.0.1, jetstream sync_interval: always, R3 file stream`)
console.log(
  `entries of ${sizes.join('/')} B (${msgBytes} B per message), windows ${windows.join('/')}, ${runs} run(s) of ${seconds} s after a 1 s warm-up; ` +
    'this machine is shared with other work: expect run-to-run noise',
)
warnIfFewCores(4)
const nats = await startLocalNatsCluster({ onProgress: progress, readyTimeoutMs: 60_000, ...(values.dir === os.tmpdir() ? {} : { dir: values.dir }) })
const points: Point[] = []
let read: { orderedPerS: number; pullPerS: number; entries: number; ok: boolean; entryBytes: number } | undefined
try {
  for (const size of sizes) {
    for (const w of windows) {
      const log = await freshLog(nats.urls)
      try {
        await appendFor(log, size, w, 1000)
        const rs: Point[] = []
        for (let r = 0; r < runs; r++) {
          const p = await appendFor(log, size, w, seconds * 1000)
          progress(`${size} B, window ${w}, run ${r + 1}: ${Math.round(p.entriesPerS)} entries/s, ${p.mbPerS.toFixed(1)} MB/s, ack p50 ${p.ackP50Us} µs p99 ${p.ackP99Us} µs`)
          rs.push(p)
        }
        const p = median(rs, (x) => x.entriesPerS)
        p.ok = rs.every((x) => x.ok)
        points.push(p)
      } finally {
        await log.close()
      }
    }
  }
  const readSize = sizes.includes(65536) ? 65536 : sizes[0]!
  const log = await freshLog(nats.urls)
  try {
    progress(`filling a log with ${readEntries} entries of ${readSize} B for the read test`)
    let filled = 0
    while (filled < readEntries) {
      const p = await appendFor(log, readSize, 32, 1000)
      filled += Math.round(p.entriesPerS)
    }
    read = { ...(await readRates(log, readSize)), entryBytes: readSize }
  } finally {
    await log.close()
  }
} finally {
  await nats.stop()
}

console.log('')
console.log('| entry | window | entries/s | MB/s | msgs/s (100 B) | ack p50 | ack p99 | check |')
console.log('|---|---|---|---|---|---|---|---|')
for (const p of points) {
  console.log(
    `| ${p.entryBytes / 1024} KiB | ${p.window} | ${Math.round(p.entriesPerS)} | ${p.mbPerS.toFixed(1)} | ${Math.round(p.msgsPerS)} | ` +
      `${(p.ackP50Us / 1000).toFixed(2)} ms | ${(p.ackP99Us / 1000).toFixed(2)} ms | ${p.ok ? 'ok' : 'FAILED'} |`,
  )
}
if (read !== undefined) {
  const mb = (r: number): string => ((r * read!.entryBytes) / 1e6).toFixed(1)
  console.log('')
  console.log(
    `read back ${read.entries} entries of ${read.entryBytes / 1024} KiB (median of 3, alternated): ordered consumer (LogTail) ${Math.round(read.orderedPerS)} entries/s = ${mb(read.orderedPerS)} MB/s; ` +
      `pull consumer, no acks ${Math.round(read.pullPerS)} entries/s = ${mb(read.pullPerS)} MB/s; check ${read.ok ? 'ok' : 'FAILED'}`,
  )
}
const reaching = points.filter((p) => p.msgsPerS >= TARGET_MSGS).sort((a, b) => a.entryBytes - b.entryBytes || a.window - b.window)
const best = [...points].sort((a, b) => b.msgsPerS - a.msgsPerS)[0]
console.log('')
console.log(
  reaching.length > 0
    ? `${TARGET_MSGS} msg/s of ${msgBytes} B needs entries of >= ${reaching[0]!.entryBytes / 1024} KiB at window ${reaching[0]!.window} here ` +
        `(${Math.round(reaching[0]!.msgsPerS)} msg/s measured)`
    : `no point reached ${TARGET_MSGS} msg/s of ${msgBytes} B; best: ${best === undefined ? '-' : `${best.entryBytes / 1024} KiB at window ${best.window}: ${Math.round(best.msgsPerS)} msg/s, ${best.mbPerS.toFixed(1)} MB/s`}`,
)
if (values.json) console.log(JSON.stringify({ cluster_log_append: points, cluster_log_read: read ?? null }))
if (points.some((p) => !p.ok) || read?.ok === false) process.exitCode = 1
