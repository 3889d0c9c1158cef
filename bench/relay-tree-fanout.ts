// Fan-out through a relay tree against fan-out by the root alone, in one run.
//
//   tree:    publisher ─▶ root ─▶ relay 1..10 ─▶ 1 000 subscribers (100 per relay)
//   direct:  publisher ─▶ root ─────────────────▶ the same 1 000 subscribers
//   latency: publisher ─▶ root ─▶ relay 1 ─▶ relay 11   probes at each level, fixed rate
//
// Every server is its own process (ordo start --durability async, ordo relay);
// subscribers are bare protocol connections in 4 load processes
// (bench/relay-subscribers.ts); the publisher and the latency probes run here.
// Figures: delivered messages per second over all subscribers (first delivery to
// last), CPU seconds of every process (/proc/<pid>/stat) per delivered message,
// the root's resident memory with 0 and 1 000 leaves behind the tree, and the
// latency each relay hop adds at a fixed rate. Medians of the measured runs.
//
// Usage: node dist/bench/relay-tree-fanout.js [--json] [--messages N] [--runs N]
//        [--subscribers N] [--relays N] [--rate MSGS_PER_S]

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { MessageCursor } from '../codec/index.js'
import { RawConn } from './gateway-raw-conn.js'
import { PublishPump } from './gateway-publish-pump.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'
import { cpuSeconds } from './lib/proc-cpu.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    messages: { type: 'string' },
    runs: { type: 'string' },
    subscribers: { type: 'string' },
    relays: { type: 'string' },
    rate: { type: 'string' },
  },
})
const MESSAGES = Number(values.messages ?? 20_000)
const RUNS = Number(values.runs ?? 3)
const SUBSCRIBERS = Number(values.subscribers ?? 1000)
const RELAYS = Number(values.relays ?? 10)
const RATE = Number(values.rate ?? 2000)
const LOAD_PROCS = 4
const PAYLOAD = 100
const cli = fileURLToPath(new URL('../tools/cli.js', import.meta.url))
const subsScript = fileURLToPath(new URL('./relay-subscribers.js', import.meta.url))
const progress = (line: string) => process.stderr.write(`relay-bench: ${line}\n`)

// ---- processes ---------------------------------------------------------------------

class Child {
  readonly lines: string[] = []
  private waiters: (() => void)[] = []
  readonly proc: ChildProcess
  exited = false

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let buf = ''
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, nl))
        buf = buf.slice(nl + 1)
      }
      this.wake()
    })
    this.proc.stderr!.on('data', (d: Buffer) => process.stderr.write(d))
    this.proc.on('exit', () => {
      this.exited = true
      this.wake()
    })
  }

  get pid(): number {
    return this.proc.pid!
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  /** Waits for (and removes) the first line matching re. */
  async take(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.lines.findIndex((l) => re.test(l))
      if (i >= 0) return this.lines.splice(i, 1)[0]!
      if (this.exited) throw new Error(`process ${this.pid} exited while waiting for ${re}`)
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${re} from process ${this.pid}`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 200)
      })
    }
  }

  send(line: string): void {
    this.proc.stdin!.write(line + '\n')
  }

  stop(): void {
    if (!this.exited) this.proc.kill('SIGKILL')
  }
}

async function server(args: string[]): Promise<{ child: Child; url: string; http: string }> {
  const child = new Child([cli, ...args])
  const line = await child.take(/listening on ws:\/\//, 30_000)
  await child.take(/"msg":"ready"|ready$/, 30_000)
  const port = Number(/ws:\/\/[^:/]+:(\d+)\//.exec(line)![1])
  return { child, url: `ws://127.0.0.1:${port}/`, http: `http://127.0.0.1:${port}` }
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1]) * 1024
}

async function settledRss(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 1500))
  return rssBytes(pid)
}

async function rootMetric(http: string, name: string): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

// ---- phases ------------------------------------------------------------------------

interface LoadReport {
  delivered: number
  firstMs: number
  lastMs: number
  closed: number
  badFrames: number
  firstBad: string
}

/** Frames the subscriber load could not decode, over the whole run (a transport defect, reported). */
let badFrames = 0
const badHeads: string[] = []

async function connectLeaves(urls: string[], group: string): Promise<Child[]> {
  const per = Math.ceil(SUBSCRIBERS / LOAD_PROCS)
  const procs: Child[] = []
  for (let i = 0; i < LOAD_PROCS; i++) {
    // Each load process spreads its connections over every URL, so each relay gets SUBSCRIBERS / urls.
    procs.push(new Child([subsScript, urls.join(','), String(Math.min(per, SUBSCRIBERS - i * per)), group]))
  }
  for (const p of procs) await p.take(/^ready /, 120_000)
  return procs
}

async function publish(rootUrl: string, group: string, count: number): Promise<void> {
  const c = await RawConn.open(rootUrl)
  const publisher = await c.hello()
  const [gid] = await c.resolve([group])
  const pump = new PublishPump(c, publisher, [gid!], 100, PAYLOAD, 4000)
  pump.gate = () => pump.sent < count
  await new Promise<void>((resolve) => {
    pump.start()
    const t = setInterval(() => {
      pump.fill()
      if (pump.acked >= count) {
        clearInterval(t)
        resolve()
      }
    }, 5)
  })
  pump.stop()
  c.close()
}

interface RunResult {
  msgsPerS: number
  delivered: number
  cpu: Map<number, number>
}

async function fanoutRun(rootUrl: string, group: string, leaves: Child[], pids: number[], count: number): Promise<RunResult> {
  for (const l of leaves) l.send(`expect ${count}`)
  await new Promise((r) => setTimeout(r, 200))
  const before = new Map(pids.map((p) => [p, cpuSeconds(p)]))
  await publish(rootUrl, group, count)
  const reports = await Promise.all(leaves.map(async (l) => JSON.parse(await l.take(/^\{/, 300_000)) as LoadReport))
  const cpu = new Map(pids.map((p) => [p, cpuSeconds(p) - before.get(p)!]))
  const delivered = reports.reduce((s, r) => s + r.delivered, 0)
  const span = Math.max(...reports.map((r) => r.lastMs)) - Math.min(...reports.map((r) => r.firstMs))
  if (reports.some((r) => r.closed > 0)) progress(`warning: ${reports.reduce((s, r) => s + r.closed, 0)} subscriber connections were closed`)
  for (const r of reports) {
    if (r.badFrames === 0) continue
    badFrames += r.badFrames
    badHeads.push(r.firstBad)
    progress(`WARNING: ${r.badFrames} frame(s) arrived other than sent (first bytes ${r.firstBad}); their messages are not counted`)
  }
  if (delivered < count * SUBSCRIBERS) progress(`WARNING: delivered ${delivered} of ${count * SUBSCRIBERS}`)
  return { msgsPerS: (delivered / Math.max(1, span)) * 1000, delivered, cpu }
}

async function latency(levels: string[], group: string, rootUrl: string): Promise<{ perHop: Float64Array; samples: number }> {
  const cursor = new MessageCursor()
  const seen: Map<number, number>[] = levels.map(() => new Map())
  const probes: RawConn[] = []
  for (let k = 0; k < levels.length; k++) {
    const c = await RawConn.open(levels[k]!)
    await c.hello()
    const [gid] = await c.resolve([group])
    await c.subscribe(1, [gid!], 0)
    const mine = seen[k]!
    c.onDeliver = (frame) => {
      const now = performance.now()
      const u8 = new Uint8Array(frame.buffer, frame.byteOffset, frame.length)
      const view = new DataView(frame.buffer, frame.byteOffset, frame.length)
      cursor.reset(u8, 0, u8.length)
      while (cursor.next()) mine.set(cursor.gsn, now - view.getFloat64(cursor.payloadOffset, true))
    }
    probes.push(c)
  }
  const pc = await RawConn.open(rootUrl)
  const publisher = await pc.hello()
  const [gid] = await pc.resolve([group])
  const pump = new PublishPump(pc, publisher, [gid!], 1, PAYLOAD, 1 << 30)
  pc.onAck = (n) => {
    pump.acked += n
    pump.inFlight -= n
  }
  const seconds = 6
  const stamps = new Float64Array(1)
  const start = performance.now()
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = (performance.now() - start) / 1000
      const due = Math.min(RATE * seconds, Math.floor(elapsed * RATE))
      while (pump.sent < due) {
        stamps[0] = performance.now()
        pump.sendFirst(1, stamps)
      }
      if (elapsed >= seconds) resolve()
      else setTimeout(tick, 1)
    }
    tick()
  })
  await new Promise((r) => setTimeout(r, 1500))
  for (const c of [...probes, pc]) c.close()
  // Per hop: level k's latency minus level k-1's for the same message; the first second is warm-up.
  const hops: number[] = []
  let firstGsn = Number.MAX_SAFE_INTEGER
  for (const gsn of seen[0]!.keys()) if (gsn < firstGsn) firstGsn = gsn
  const warm = firstGsn + RATE
  for (const gsn of seen[0]!.keys()) {
    for (let k = 1; k < levels.length; k++) {
      const a = seen[k - 1]!.get(gsn)
      const b = seen[k]!.get(gsn)
      if (a !== undefined && b !== undefined && gsn > warm) hops.push((b - a) * 1000)
    }
  }
  const sorted = Float64Array.from(hops).sort()
  return { perHop: sorted, samples: sorted.length }
}

// ---- main --------------------------------------------------------------------------

async function main(): Promise<void> {
  progress(machineBanner())
  progress(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}: the machine is shared with other jobs, so figures are noisy`)
  warnIfFewCores(RELAYS + 2)
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-relay-bench-'))
  const children: Child[] = []
  try {
    const root = await server(['start', '--port', '0', '--data', dataDir, '--durability', 'async'])
    children.push(root.child)
    const relays: Awaited<ReturnType<typeof server>>[] = []
    for (let i = 0; i < RELAYS; i++) {
      const r = await server(['relay', '--upstream', root.url, '--port', '0'])
      relays.push(r)
      children.push(r.child)
    }
    progress(`root ${root.url}, ${RELAYS} relays up`)
    const rootRssEmpty = await settledRss(root.child.pid)

    // Tree: leaves on the relays.
    let leaves = await connectLeaves(relays.map((r) => r.url), 'fan')
    children.push(...leaves)
    const rootRssTree = await settledRss(root.child.pid)
    const rootConnsTree = await rootMetric(root.http, 'ordo_connections')
    const rootSubsTree = await rootMetric(root.http, 'ordo_subscriptions')
    progress(`tree: ${SUBSCRIBERS} subscribers on ${RELAYS} relays; the root holds ${rootConnsTree} connections, ${rootSubsTree} subscriptions`)
    const pidsTree = [root.child.pid, ...relays.map((r) => r.child.pid), ...leaves.map((l) => l.pid), process.pid]
    await fanoutRun(root.url, 'fan', leaves, pidsTree, Math.ceil(MESSAGES / 4))
    const tree: RunResult[] = []
    for (let i = 0; i < RUNS; i++) {
      const r = await fanoutRun(root.url, 'fan', leaves, pidsTree, MESSAGES)
      tree.push(r)
      progress(`tree run ${i + 1}/${RUNS}: ${(r.msgsPerS / 1e6).toFixed(2)} M msg/s delivered, root cpu ${r.cpu.get(root.child.pid)!.toFixed(2)} s`)
    }
    for (const l of leaves) l.stop()

    // Direct: the same number of leaves on the root.
    leaves = await connectLeaves([root.url], 'fan')
    children.push(...leaves)
    const rootRssDirect = await settledRss(root.child.pid)
    const pidsDirect = [root.child.pid, ...leaves.map((l) => l.pid), process.pid]
    await fanoutRun(root.url, 'fan', leaves, pidsDirect, Math.ceil(MESSAGES / 4))
    const direct: RunResult[] = []
    for (let i = 0; i < RUNS; i++) {
      const r = await fanoutRun(root.url, 'fan', leaves, pidsDirect, MESSAGES)
      direct.push(r)
      progress(`direct run ${i + 1}/${RUNS}: ${(r.msgsPerS / 1e6).toFixed(2)} M msg/s delivered, root cpu ${r.cpu.get(root.child.pid)!.toFixed(2)} s`)
    }
    for (const l of leaves) l.stop()

    // Latency per hop: root -> relay 1 -> relay 11 (upstream relay 1).
    const chained = await server(['relay', '--upstream', relays[0]!.url, '--port', '0'])
    children.push(chained.child)
    progress(`latency: ${RATE} msg/s for 6 s, probes on root, relay 1 and a relay of relay 1`)
    const lat = await latency([root.url, relays[0]!.url, chained.url], 'lat', root.url)

    const perMsg = (r: RunResult, pid: number) => r.cpu.get(pid)! / r.delivered
    const rootPerMsgTree = median(tree.map((r) => perMsg(r, root.child.pid)))
    const rootPerMsgDirect = median(direct.map((r) => perMsg(r, root.child.pid)))
    const durableBench = fileURLToPath(new URL('./durable-ack-overhead.js', import.meta.url))
    let durableAck: number | null = null
    let durableNote = 'missing: bench/durable-ack-overhead.ts is not in this tree'
    if (existsSync(durableBench)) {
      progress('durable ack overhead: running bench/durable-ack-overhead')
      const d = new Child([durableBench, '--json'])
      const line = await d.take(/^\{/, 600_000)
      const parsed = JSON.parse(line) as { durable_ack_overhead?: number }
      durableAck = parsed.durable_ack_overhead ?? null
      durableNote = durableAck === null ? 'bench/durable-ack-overhead printed no durable_ack_overhead' : 'from bench/durable-ack-overhead (its own run)'
    }
    const result = {
      relay_fanout_msgs_per_s: Math.round(median(tree.map((r) => r.msgsPerS))),
      root_fanout_msgs_per_s: Math.round(median(direct.map((r) => r.msgsPerS))),
      root_cpu_ratio: Number((rootPerMsgTree / rootPerMsgDirect).toFixed(4)),
      root_cpu_s_per_million_msgs_tree: Number((rootPerMsgTree * 1e6).toFixed(3)),
      root_cpu_s_per_million_msgs_direct: Number((rootPerMsgDirect * 1e6).toFixed(3)),
      cpu_s_per_process_tree: {
        root: Number(median(tree.map((r) => r.cpu.get(root.child.pid)!)).toFixed(2)),
        relays: relays.map((x) => Number(median(tree.map((r) => r.cpu.get(x.child.pid)!)).toFixed(2))),
        subscriber_load: Number(median(tree.map((r) => pidsTree.slice(1 + RELAYS, -1).reduce((s, p) => s + r.cpu.get(p)!, 0))).toFixed(2)),
        publisher: Number(median(tree.map((r) => r.cpu.get(process.pid)!)).toFixed(2)),
      },
      cpu_s_per_process_direct: {
        root: Number(median(direct.map((r) => r.cpu.get(root.child.pid)!)).toFixed(2)),
        subscriber_load: Number(median(direct.map((r) => pidsDirect.slice(1, -1).reduce((s, p) => s + r.cpu.get(p)!, 0))).toFixed(2)),
        publisher: Number(median(direct.map((r) => r.cpu.get(process.pid)!)).toFixed(2)),
      },
      relay_added_p50_us: Math.round(quantile(lat.perHop, 0.5)),
      relay_added_p99_us: Math.round(quantile(lat.perHop, 0.99)),
      relay_added_samples: lat.samples,
      latency_rate_msgs_per_s: RATE,
      durable_ack_overhead: durableAck,
      durable_ack_overhead_note: durableNote,
      root_state_bytes: rootRssTree - rootRssEmpty,
      root_state_bytes_direct: rootRssDirect - rootRssEmpty,
      root_state_note: `root resident memory with ${SUBSCRIBERS} leaves behind ${RELAYS} relays (tree) or on the root (direct), minus with the relays alone; the root holds ${rootConnsTree} connections and ${rootSubsTree} subscriptions for the tree whatever the leaf count`,
      subscribers: SUBSCRIBERS,
      relays: RELAYS,
      messages_per_run: MESSAGES,
      runs: RUNS,
      damaged_frames: badFrames,
      damaged_frame_heads: badHeads.slice(0, 5),
      message_bytes: PAYLOAD,
      durability: 'async',
      machine: machineBanner(),
      node: process.version,
      load_average: loadavg().map((x) => Number(x.toFixed(2))),
      note: 'shared 2-core machine, busy with other jobs; every process (root, relays, subscriber load, publisher) competes for the same cores',
    }
    if (values.json) process.stdout.write(JSON.stringify(result) + '\n')
    else process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  } finally {
    for (const c of children) c.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
process.exit(0)
