// The server in its own process: `node dist/tools/cli.js start --port P --data DIR`,
// ready once it printed "ready" and GET /health answers 200. Stops with SIGTERM
// (graceful) or kill -9, and restarts on the same port and directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../../../tools/cli.js', import.meta.url))
const fakeServer = fileURLToPath(new URL('../procs/memory-server.js', import.meta.url))

/** The Node binary servers run under: ORDO_TEST_SERVER_NODE, else this process's. */
export function serverNode(): string {
  const n = process.env.ORDO_TEST_SERVER_NODE
  return n !== undefined && n !== '' ? n : process.execPath
}

export interface ServerProcessOptions {
  dataDir?: string
  /** 0: a free port chosen by the server (kept on restart). */
  port?: number
  secret?: string
  durability?: 'fsync' | 'async' | 'memory'
  extraArgs?: string[]
  /** Slow-consumer limits (passed as --send-buffer-high / --slow-consumer-timeout). */
  sendBufferHighBytes?: number
  slowConsumerTimeoutMs?: number
  /** Use the in-memory EnginePort fake instead of the real engine (gateway-only tests). */
  fake?: boolean
}

export class ServerProcess {
  proc: ChildProcess | null = null
  port: number
  readonly output: string[] = []
  private exitWaiters: ((code: number | null) => void)[] = []
  private exited = true
  private lastExit: number | null = null

  constructor(
    readonly dataDir: string,
    private readonly o: ServerProcessOptions,
    private readonly ownsDir: boolean,
  ) {
    this.port = o.port ?? 0
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/`
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get pid(): number {
    return this.proc?.pid ?? -1
  }

  async start(): Promise<void> {
    const o = this.o
    const limits: Record<string, number> = {}
    const flags: string[] = []
    if (o.sendBufferHighBytes !== undefined) {
      limits.sendBufferHighBytes = o.sendBufferHighBytes
      limits.sendBufferLowBytes = Math.floor(o.sendBufferHighBytes / 4)
      flags.push('--send-buffer-high', String(o.sendBufferHighBytes))
    }
    if (o.slowConsumerTimeoutMs !== undefined) {
      limits.slowConsumerTimeoutMs = o.slowConsumerTimeoutMs
      flags.push('--slow-consumer-timeout', `${o.slowConsumerTimeoutMs}ms`)
    }
    const args = o.fake
      ? [fakeServer, String(this.port), o.secret ?? '', JSON.stringify(limits)]
      : [cli, 'start', '--port', String(this.port), '--data', this.dataDir, '--durability', o.durability ?? 'fsync', ...flags, ...(o.extraArgs ?? [])]
    const env = { ...process.env, ORDO_SECRET: this.o.secret ?? '' }
    // ORDO_TEST_SERVER_NODE: run the server under another Node binary (tools/node-runtimes.sh).
    const proc = spawn(serverNode(), args, { stdio: ['ignore', 'pipe', 'pipe'], env })
    this.proc = proc
    this.exited = false
    proc.on('exit', (code, signal) => {
      this.exited = true
      this.lastExit = code ?? (signal === 'SIGKILL' ? 137 : -1)
      const w = this.exitWaiters
      this.exitWaiters = []
      for (const f of w) f(this.lastExit)
    })
    const ready = new Promise<void>((resolve, reject) => {
      let buf = ''
      const onData = (d: Buffer) => {
        buf += d.toString()
        let nl: number
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          this.output.push(line)
          const m = /listening on ws:\/\/[^:]+:(\d+)\//.exec(line)
          if (m !== null) this.port = Number(m[1])
          // JSON log lines (stdout is a pipe) or readable ones (the in-memory fake).
          if (/"msg":"ready"|ready$/.test(line)) resolve()
        }
      }
      proc.stdout!.on('data', onData)
      proc.stderr!.on('data', (d: Buffer) => this.output.push(...d.toString().trimEnd().split('\n').map((l) => `stderr: ${l}`)))
      proc.once('exit', (code) => reject(new Error(`server exited before ready (code ${code}):\n${this.output.join('\n')}`)))
      setTimeout(() => reject(new Error(`server not ready within 30 s:\n${this.output.join('\n')}`)), 30_000).unref()
    })
    await ready
    const h = await fetch(`${this.httpUrl}/health`)
    if (h.status !== 200) throw new Error(`/health answered ${h.status} after ready`)
  }

  private waitExit(timeoutMs: number): Promise<number | null> {
    if (this.exited) return Promise.resolve(this.lastExit)
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`server did not exit within ${timeoutMs} ms:\n${this.output.slice(-20).join('\n')}`)), timeoutMs)
      this.exitWaiters.push((c) => {
        clearTimeout(t)
        resolve(c)
      })
    })
  }

  /** SIGTERM and wait for the exit code; the data directory stays (restart() may follow). */
  async sigterm(timeoutMs = 20_000): Promise<number | null> {
    if (this.exited) return this.lastExit
    this.proc!.kill('SIGTERM')
    return this.waitExit(timeoutMs)
  }

  /** SIGTERM, wait, and remove the data directory when this helper made it. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    const code = await this.sigterm(timeoutMs)
    this.cleanup()
    return code
  }

  async kill9(): Promise<void> {
    if (this.exited) return
    this.proc!.kill('SIGKILL')
    await this.waitExit(10_000)
  }

  /** Starts again on the same port and data directory. */
  async restart(): Promise<void> {
    if (!this.exited) await this.sigterm()
    await this.start()
  }

  cleanup(): void {
    if (!this.exited) this.proc?.kill('SIGKILL')
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/**
 * A free port below Linux's ephemeral range (32768-60999). A server on an
 * ephemeral port can lose it across a restart: a client reconnecting while the
 * server is down may get that very port as its own local port and connect to
 * itself (TCP self-connect), and the restarted server then cannot bind.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000)
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer()
      srv.once('error', () => resolve(false))
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
    })
    if (ok) return port
  }
  throw new Error('no free port found in 20000..32000')
}

export async function startServerProcess(o: ServerProcessOptions = {}): Promise<ServerProcess> {
  const ownsDir = o.dataDir === undefined
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'ordo-gw-'))
  const s = new ServerProcess(dataDir, { ...o, port: o.port === undefined || o.port === 0 ? await freePort() : o.port }, ownsDir)
  try {
    await s.start()
  } catch (err) {
    s.cleanup()
    throw err
  }
  return s
}
