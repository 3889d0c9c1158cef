// A complete local ordo cluster of real processes: 3 nats-servers with JetStream
// (tools/nats/local-nats-cluster.ts, sync_interval always) and N `ordo start --cluster` nodes on
// free 127.0.0.1 ports, each with its own data directory. Used by `ordo cluster up` and by the
// cluster tests (kill -9, SIGSTOP). Every process started here is stopped by pid.

import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startLocalNatsCluster, type LocalNatsCluster } from '../nats/local-nats-cluster.js'

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli.js')

export interface OrdoNodeProcess {
  readonly name: string
  readonly port: number
  readonly url: string
  readonly httpUrl: string
  readonly dataDir: string
  readonly logFile: string
  child: ChildProcess | null
}

export interface LocalOrdoClusterOptions {
  /** Ordo nodes; default 3. */
  readonly nodes?: number
  /** Directory for everything; default a fresh temp dir, removed by stop() when created here. */
  readonly dir?: string
  readonly clusterName?: string
  readonly failoverTimeout?: string
  readonly onProgress?: (line: string) => void
  /** Extra environment for the ordo processes. */
  readonly env?: Record<string, string>
}

export interface NodeHealth {
  readonly ok: boolean
  readonly cluster?: { node: string; role: string; epoch: number; leader: string; leaderUrl: string; committedGsn: number; lagGsns: number; failovers: number }
  readonly durableGsn?: number
}

export class LocalOrdoCluster {
  private constructor(
    readonly dir: string,
    readonly nats: LocalNatsCluster,
    readonly nodes: OrdoNodeProcess[],
    readonly clusterName: string,
    private readonly o: LocalOrdoClusterOptions,
    private readonly ownsDir: boolean,
  ) {}

  static async start(o: LocalOrdoClusterOptions = {}): Promise<LocalOrdoCluster> {
    const ownsDir = o.dir === undefined
    const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-cluster-'))
    fs.mkdirSync(dir, { recursive: true })
    const progress = o.onProgress ?? (() => {})
    progress('starting 3 nats-servers (JetStream, sync_interval always)')
    const nats = await startLocalNatsCluster({ dir: path.join(dir, 'nats'), readyTimeoutMs: 60_000, onProgress: progress })
    const nodes: OrdoNodeProcess[] = []
    const count = o.nodes ?? 3
    for (let i = 0; i < count; i++) {
      const name = `n${i + 1}`
      const port = await freePort()
      const dataDir = path.join(dir, name)
      nodes.push({ name, port, url: `ws://127.0.0.1:${port}/`, httpUrl: `http://127.0.0.1:${port}`, dataDir, logFile: path.join(dir, `${name}.log`), child: null })
    }
    const c = new LocalOrdoCluster(dir, nats, nodes, o.clusterName ?? 'local', o, ownsDir)
    try {
      for (let i = 0; i < count; i++) c.startNode(i)
      for (let i = 0; i < count; i++) await c.waitReady(i, 60_000)
      progress(`ordo nodes ready: ${nodes.map((n) => n.url).join(' ')}`)
    } catch (err) {
      await c.stop()
      throw err
    }
    return c
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url)
  }

  /** Starts node i (again), on its port and data directory; output goes to its log file. */
  startNode(i: number): void {
    const n = this.nodes[i]!
    if (n.child !== null && n.child.exitCode === null && n.child.signalCode === null) throw new Error(`node ${n.name} is running`)
    const out = fs.openSync(n.logFile, 'a')
    const child = spawn(process.execPath, [
      CLI, 'start', '--cluster', this.nats.urls.join(','), '--node', n.name, '--cluster-name', this.clusterName,
      '--port', String(n.port), '--data', n.dataDir, '--log-format', 'json', '--no-ui',
      ...(this.o.failoverTimeout === undefined ? [] : ['--failover-timeout', this.o.failoverTimeout]),
    ], { stdio: ['ignore', out, out], env: { ...process.env, ORDO_TRANSPORT: process.env.ORDO_TRANSPORT ?? 'auto', ...this.o.env } })
    fs.closeSync(out)
    n.child = child
    this.o.onProgress?.(`started ordo node ${n.name} pid=${child.pid} url=${n.url}`)
  }

  /** Sends `signal` to node i's process; SIGKILL/SIGTERM wait until it has exited. */
  async signalNode(i: number, signal: NodeJS.Signals): Promise<void> {
    const c = this.nodes[i]!.child
    if (c === null || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise<void>((r) => c.once('exit', () => r()))
    process.kill(c.pid, signal)
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') {
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      if (c.exitCode === null && c.signalCode === null) {
        process.kill(c.pid, 'SIGKILL')
        await exited
      }
    }
  }

  async health(i: number, timeoutMs = 1000): Promise<NodeHealth | null> {
    try {
      const res = await fetch(`${this.nodes[i]!.httpUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) })
      return (await res.json()) as NodeHealth
    } catch {
      return null
    }
  }

  async waitReady(i: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let last = 'no answer'
    for (;;) {
      const h = await this.health(i)
      if (h?.cluster !== undefined) return
      if (h !== null) last = JSON.stringify(h)
      const c = this.nodes[i]!.child
      if (c !== null && (c.exitCode !== null || c.signalCode !== null)) {
        throw new Error(`ordo node ${this.nodes[i]!.name} exited (${c.exitCode ?? c.signalCode}); log: ${this.nodes[i]!.logFile}\n${tailOf(this.nodes[i]!.logFile)}`)
      }
      if (Date.now() > deadline) throw new Error(`ordo node ${this.nodes[i]!.name} not ready within ${timeoutMs} ms (last /health: ${last}); log: ${this.nodes[i]!.logFile}\n${tailOf(this.nodes[i]!.logFile)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Index of the node whose /health says it leads (and that every answering node agrees on), or -1. */
  async leader(): Promise<number> {
    const hs = await Promise.all(this.nodes.map((_, i) => this.health(i)))
    const leaders = hs.map((h, i) => (h?.cluster?.role === 'leader' ? i : -1)).filter((i) => i >= 0)
    return leaders.length === 1 ? leaders[0]! : -1
  }

  async waitLeader(timeoutMs = 20_000, not = -1): Promise<number> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const l = await this.leader()
      if (l >= 0 && l !== not) return l
      if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** Stops every ordo node (SIGTERM, SIGKILL after 15 s); the nats-servers and the files stay. */
  async stopNodes(): Promise<void> {
    await Promise.all(this.nodes.map(async (n, i) => {
      const c = n.child
      if (c?.pid !== undefined && c.exitCode === null && c.signalCode === null) {
        try {
          process.kill(c.pid, 'SIGCONT')
        } catch {
          // gone
        }
        await this.signalNode(i, 'SIGTERM')
      }
    }))
  }

  /** Stops every ordo node and the nats-servers; removes the dir if created here. */
  async stop(): Promise<void> {
    await this.stopNodes()
    await this.nats.stop()
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

function tailOf(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}
