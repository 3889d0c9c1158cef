// ordo cluster benchmark: what replication costs and what failures cost, measured in one run.
//
//   single node   Engine, durability fsync, 2 publisher threads (acknowledged window), 100 B
//                 payloads: acknowledged msg/s (Δ durable gsn / Δt). The baseline.
//   replicated    3 nats-servers (JetStream, sync_interval always) + the leader node in this
//                 process + 2 follower nodes (`ordo start --cluster`, own processes); the same
//                 publisher threads on the leader: acknowledged msg/s (Δ committed gsn / Δt:
//                 an ack waits for JetStream's acknowledgement of the entry).
//   latency       1 publisher thread paced at --rate on the same cluster, payloads stamped with
//                 their intended send time; an embedded subscriber on the leader sees each
//                 message when it is committed (the watermark acks follow): p50/p99 µs,
//                 coordinated omission corrected.
//   failover      a fresh cluster of processes (tools/cluster/local-ordo-cluster.ts), HTTP
//                 publishers resending to the next node until acknowledged; kill -9 of the ordo
//                 leader (--rounds times): ms from the kill to the first acknowledgement by
//                 another node. Then kill -9 of the nats-server hosting the log's stream
//                 leader: ms to the first acknowledgement after it.
//   cpu           during each flood: CPU seconds of every process (the nats-servers, this process:
//                 the node and its publisher threads, the followers) and of the whole machine,
//                 which says what bounds the replicated throughput on this machine.
//   checks        after the failures: acknowledged messages missing (acked_lost), (publisher,
//                 pseq) stored twice (duplicates), nodes whose journal differs on the committed
//                 range (diverged).
//
//   npm run bench:cluster -- [--seconds 5] [--rate 20000] [--rounds 5] [--window 32] [--json]
//
// Progress goes to stderr; results to stdout; --json adds one JSON line at the end.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as hdr from 'hdr-histogram-js'
import { Engine } from '../engine/engine.js'
import type { DeliverBatch } from '../engine/types.js'
import { ClusterNode } from '../engine/cluster/node/cluster-node.js'
import { openLog } from '../engine/cluster/index.js'
import { freePort, startLocalNatsCluster } from '../tools/nats/local-nats-cluster.js'
import { LocalOrdoCluster } from '../tools/cluster/local-ordo-cluster.js'
import { firstJournalDifference, journalMessages, journalRecords } from '../tools/cluster/journal-check.js'
import { startPublisherThread } from './engine-publisher-start.js'
import { CONTROL_BYTES, CTL_START, CTL_STOP } from './engine-bench-control.js'
import { cpuDuring } from './lib/proc-cpu.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    window: { type: 'string', default: '32' },
    json: { type: 'boolean', default: false },
  },
})
const SECONDS = Number(values.seconds)
const RATE = Number(values.rate)
const ROUNDS = Number(values.rounds)
const WINDOW = Number(values.window)
const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'cli.js')
const log = (line: string): void => void process.stderr.write(`bench:cluster: ${line}\n`)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-cluster-bench-'))
const NAMES = ['bench-a', 'bench-b', 'bench-c', 'bench-d']

/** Acknowledged msg/s of 2 publisher threads (acked mode) on `engine`, from `watermark()` over SECONDS. */
async function throughput(engine: Engine, watermark: () => number, label: string): Promise<number> {
  const ids = engine.resolveGroupIds(NAMES, true)
  const groupSets = [[ids[0]!], [ids[1]!, ids[2]!], [ids[3]!, ids[0]!, ids[1]!], [ids[2]!, ids[3]!]]
  const control = new SharedArrayBuffer(CONTROL_BYTES)
  const ctl = new Int32Array(control)
  const pubs = Array.from({ length: 2 }, () => startPublisherThread({ port: engine.createPublisherPort(), control, mode: 'acked', groupSets, payloadBytes: 100, batch: 256, window: 65536, rate: 0 }))
  await Promise.all(pubs.map((p) => p.ready))
  Atomics.store(ctl, CTL_START, 1)
  Atomics.notify(ctl, CTL_START)
  await sleep(1000)
  const g0 = watermark()
  const t0 = performance.now()
  for (let s = 1; s <= SECONDS; s++) {
    await sleep(1000)
    log(`  ${label}: ${((watermark() - g0) / ((performance.now() - t0) / 1000) / 1000).toFixed(0)} k msg/s after ${s} s`)
  }
  const rate = (watermark() - g0) / ((performance.now() - t0) / 1000)
  Atomics.store(ctl, CTL_STOP, 1)
  await Promise.all(pubs.map((p) => p.result))
  return rate
}

interface CpuReport {
  seconds: number
  machine_busy_s: number
  machine_idle_s: number
  processes: Record<string, number>
}

/** The flood under CPU accounting; logs where the cores went. */
async function measuredFlood(label: string, pids: Array<[string, number]>, run: () => Promise<number>): Promise<{ rate: number; cpu: CpuReport }> {
  const r = await cpuDuring(pids, run)
  const cpu: CpuReport = {
    seconds: Number(r.seconds.toFixed(2)),
    machine_busy_s: Number(r.machineBusy.toFixed(2)),
    machine_idle_s: Number(r.machineIdle.toFixed(2)),
    processes: Object.fromEntries(r.perProcess.map(([n, s]) => [n, Number(s.toFixed(2))])),
  }
  log(`  ${label} cpu over ${cpu.seconds} s: machine busy ${cpu.machine_busy_s} s, idle ${cpu.machine_idle_s} s (of ${os.availableParallelism()} cores); ` +
    r.perProcess.map(([n, s]) => `${n} ${s.toFixed(2)} s`).join(', '))
  return { rate: r.result, cpu }
}

async function singleNode(): Promise<{ rate: number; cpu: CpuReport }> {
  log('single node, durability fsync')
  const engine = await Engine.open({ dataDir: path.join(tmp, 'single'), durability: 'fsync' })
  try {
    return await measuredFlood('single node', [['this process (node + 2 publisher threads)', process.pid]], () => throughput(engine, () => engine.port.durableGsn, 'single node fsync'))
  } finally {
    await engine.close()
  }
}

let hist: hdr.Histogram | null = null
const stampF64 = new Float64Array(1)
const stampU8 = new Uint8Array(stampF64.buffer)
function onDeliver(b: DeliverBatch): void {
  const h = hist
  const now = performance.timeOrigin + performance.now()
  while (b.next()) {
    if (h === null) continue
    const f = b.frame
    const p = b.payloadOffset
    for (let i = 0; i < 8; i++) stampU8[i] = f[p + i]!
    const us = Math.round((now - stampF64[0]!) * 1000)
    h.recordValue(us < 0 ? 0 : us)
  }
}

function startFollower(natsUrls: string[], cluster: string, name: string, port: number): ChildProcess {
  const out = fs.openSync(path.join(tmp, `${name}.log`), 'a')
  const child = spawn(process.execPath, [CLI, 'start', '--cluster', natsUrls.join(','), '--node', name, '--cluster-name', cluster, '--port', String(port), '--data', path.join(tmp, name), '--log-format', 'json', '--no-ui'], { stdio: ['ignore', out, out] })
  fs.closeSync(out)
  return child
}

async function replicated(): Promise<{ msgsPerS: number; p50: number; p99: number; entries: number; bytes: number; cpu: CpuReport; floodEntries: number; floodBytes: number }> {
  log('replicated: starting 3 nats-servers, the leader here, 2 followers as processes')
  const nats = await startLocalNatsCluster({ dir: path.join(tmp, 'nats'), readyTimeoutMs: 60_000 })
  const followers: ChildProcess[] = []
  let leader: ClusterNode | null = null
  try {
    leader = await ClusterNode.start({ natsUrls: nats.urls, cluster: 'bench', node: 'lead', url: 'ws://127.0.0.1:1/', dataDir: path.join(tmp, 'lead'), failoverTimeoutMs: 3000, window: WINDOW })
    while (leader.role !== 'leader') await sleep(50)
    for (const name of ['f1', 'f2']) followers.push(startFollower(nats.urls, 'bench', name, await freePort()))
    await sleep(3000)
    const node = leader
    const before = node.status()
    const pids: Array<[string, number]> = [
      ...nats.servers().map((s): [string, number] => [`nats-server ${s.name}`, s.pid]),
      ['this process (leader + 2 publisher threads)', process.pid],
      ...followers.map((f, i): [string, number] => [`follower f${i + 1}`, f.pid!]),
    ]
    const flood = await measuredFlood('replicated', pids, () => throughput(node.engine, () => node.engine.port.durableGsn, 'replicated'))
    const msgsPerS = flood.rate
    const after = node.status()
    const floodEntries = after.entriesAppended - before.entriesAppended
    const floodBytes = after.bytesAppended - before.bytesAppended
    // What the flood left in the rings is committed before the paced run starts (else it measures the backlog).
    while (node.engine.port.durableGsn < node.engine.port.sequencedGsn) await sleep(10)
    await sleep(1000)
    log(`latency at ${RATE} msg/s (paced, publish -> committed delivery)`)
    hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
    const sub = node.engine.subscribe(NAMES, {}, onDeliver)
    const ids = node.engine.resolveGroupIds(NAMES, true)
    const control = new SharedArrayBuffer(CONTROL_BYTES)
    const ctl = new Int32Array(control)
    const pub = startPublisherThread({ port: node.engine.createPublisherPort(), control, mode: 'paced', groupSets: [[ids[0]!], [ids[1]!, ids[2]!]], payloadBytes: 100, batch: 256, window: 65536, rate: RATE })
    await pub.ready
    Atomics.store(ctl, CTL_START, 1)
    Atomics.notify(ctl, CTL_START)
    await sleep(1000)
    hist.reset()
    await sleep(SECONDS * 1000)
    Atomics.store(ctl, CTL_STOP, 1)
    await pub.result
    const h = hist
    hist = null
    sub.close()
    const st = node.status()
    log(`  latency p50 ${h.getValueAtPercentile(50)} µs, p99 ${h.getValueAtPercentile(99)} µs (${h.totalCount} messages)`)
    return { msgsPerS, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), entries: st.entriesAppended, bytes: st.bytesAppended, cpu: flood.cpu, floodEntries, floodBytes }
  } finally {
    for (const f of followers) {
      const exited = new Promise((r) => f.once('exit', r))
      f.kill('SIGTERM')
      await Promise.race([exited, sleep(10_000)])
      if (f.exitCode === null && f.signalCode === null) f.kill('SIGKILL')
    }
    await leader?.close()
    await nats.stop()
  }
}

interface Lane {
  publisher: number
  acked: Map<number, number>
  /** The last acknowledgement: when it came, from which node, when its request was first sent. */
  lastAck: { at: number; node: number; sentAt: number }
  stop: boolean
  done: Promise<void>
}

function startLane(c: LocalOrdoCluster, publisher: number): Lane {
  const lane: Lane = { publisher, acked: new Map(), lastAck: { at: 0, node: -1, sentAt: 0 }, stop: false, done: Promise.resolve() }
  let node = 0
  lane.done = (async () => {
    for (let pseq = 1; !lane.stop; pseq++) {
      const body = JSON.stringify({ groups: ['g1'], payload: `p${pseq}`, publisher, pseq })
      const sentAt = performance.now()
      for (;;) {
        try {
          const res = await fetch(`${c.nodes[node]!.httpUrl}/publish`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(3000) })
          const j = (await res.json()) as { gsn?: number }
          if (res.status === 200 && typeof j.gsn === 'number') {
            lane.acked.set(pseq, j.gsn)
            lane.lastAck = { at: performance.now(), node, sentAt }
            break
          }
        } catch {
          // no answer: try the next node with the same pseq
        }
        node = (node + 1) % c.nodes.length
        await sleep(5)
      }
    }
  })()
  return lane
}

async function failures(): Promise<{ failover: number[]; natsLoss: number; ackedLost: number; duplicates: number; diverged: number; acked: number }> {
  log(`failover: a cluster of processes, ${ROUNDS} kill -9 of the ordo leader, then of the stream leader's nats-server`)
  const c = await LocalOrdoCluster.start({ dir: path.join(tmp, 'failover'), failoverTimeout: '1s' })
  const lanes: Lane[] = []
  try {
    await c.waitLeader(30_000)
    for (let k = 0; k < 4; k++) lanes.push(startLane(c, 5001 + k))
    // The first acknowledgement of a publish first sent after the fault: in-flight answers of
    // entries committed before it do not count.
    const firstAckAfter = async (t: number, not: number): Promise<number> => {
      for (;;) {
        const hit = lanes.filter((l) => l.lastAck.sentAt > t && l.lastAck.node !== not)
        if (hit.length > 0) return Math.min(...hit.map((l) => l.lastAck.at)) - t
        if (performance.now() - t > 60_000) return Number.NaN
        await sleep(2)
      }
    }
    const failover: number[] = []
    for (let r = 1; r <= ROUNDS; r++) {
      await sleep(1500)
      const l = await c.waitLeader(30_000)
      const t = performance.now()
      await c.signalNode(l, 'SIGKILL')
      const ms = await firstAckAfter(t, l)
      failover.push(ms)
      log(`  round ${r}: kill -9 ${c.nodes[l]!.name} -> first ack elsewhere after ${ms.toFixed(0)} ms`)
      c.startNode(l)
      await c.waitReady(l, 60_000)
    }
    await sleep(1500)
    const lg = await openLog({ urls: c.nats.urls, cluster: c.clusterName })
    const server = await lg.streamLeader()
    await lg.close()
    const i = c.nats.servers().findIndex((s) => s.name === server)
    const t = performance.now()
    await c.nats.kill(i, 'SIGKILL')
    const natsLoss = await firstAckAfter(t, -1)
    log(`  kill -9 nats-server ${server} (stream leader) -> first ack after ${natsLoss.toFixed(0)} ms`)
    await c.nats.restart(i)
    await sleep(1500)
    for (const l of lanes) l.stop = true
    await Promise.all(lanes.map((l) => l.done))
    const leader = await c.waitLeader(30_000)
    const committed = (await c.health(leader))!.cluster!.committedGsn
    for (let k = 0; k < 3; k++) {
      const deadline = Date.now() + 30_000
      while (((await c.health(k))?.cluster?.committedGsn ?? 0) < committed && Date.now() < deadline) await sleep(100)
    }
    await c.stopNodes()
    const msgs = journalMessages(c.nodes[leader]!.dataDir, committed)
    const byKey = new Map<string, number>()
    let duplicates = 0
    for (const m of msgs) {
      const key = `${m.publisher}/${m.pseq}`
      if (byKey.has(key)) duplicates++
      byKey.set(key, m.gsn)
    }
    let ackedLost = 0
    let acked = 0
    for (const l of lanes) {
      for (const [pseq, gsn] of l.acked) {
        acked++
        if (byKey.get(`${l.publisher}/${pseq}`) !== gsn) ackedLost++
      }
    }
    const lead = journalRecords(c.nodes[leader]!.dataDir, committed)
    let diverged = 0
    for (let k = 0; k < 3; k++) {
      const mine = journalRecords(c.nodes[k]!.dataDir, committed)
      if (firstJournalDifference(lead, mine) !== -1 || mine.reduce((s, r) => s + r.count, 0) !== committed) diverged++
    }
    log(`  checks: acknowledged ${acked}, lost ${ackedLost}, duplicates ${duplicates}, diverged nodes ${diverged}`)
    return { failover, natsLoss, ackedLost, duplicates, diverged, acked }
  } finally {
    for (const l of lanes) l.stop = true
    await c.stop()
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN
}

try {
  const single = await singleNode()
  const rep = await replicated()
  const f = await failures()
  const result = {
    replicated_msgs_per_s: Math.round(rep.msgsPerS),
    replicated_p50_us: rep.p50,
    replicated_p99_us: rep.p99,
    replicated_rate_msgs_per_s: RATE,
    replicated_mean_entry_bytes: rep.entries > 0 ? Math.round(rep.bytes / rep.entries) : 0,
    failover_ms_p50: Math.round(pct(f.failover, 50)),
    failover_ms_max: Math.round(Math.max(...f.failover)),
    failover_rounds: f.failover.length,
    nats_leader_loss_ms: Math.round(f.natsLoss),
    acked_checked: f.acked,
    acked_lost: f.ackedLost,
    duplicates: f.duplicates,
    diverged: f.diverged,
    single_node_fsync_msgs_per_s: Math.round(single.rate),
    replicated_flood_entries: rep.floodEntries,
    replicated_flood_mean_entry_bytes: rep.floodEntries > 0 ? Math.round(rep.floodBytes / rep.floodEntries) : 0,
    replicated_cpu: rep.cpu,
    single_node_cpu: single.cpu,
    cores: os.availableParallelism(),
  }
  process.stdout.write(
    `replicated: ${result.replicated_msgs_per_s} msg/s acknowledged (single node fsync: ${result.single_node_fsync_msgs_per_s}); ` +
      `latency at ${RATE} msg/s p50 ${result.replicated_p50_us} µs p99 ${result.replicated_p99_us} µs; ` +
      `failover p50 ${result.failover_ms_p50} ms max ${result.failover_ms_max} ms; nats stream-leader loss ${result.nats_leader_loss_ms} ms; ` +
      `lost ${result.acked_lost}, duplicates ${result.duplicates}, diverged ${result.diverged}\n`,
  )
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
