// A relay in its own process: `node dist/tools/cli.js relay --upstream URLS --port P`,
// ready once it printed "ready". Stops with SIGTERM or kill -9, restarts on the same port.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../helpers/server-process.js'

const cli = fileURLToPath(new URL('../../../../tools/cli.js', import.meta.url))

export interface RelayProcessOptions {
  upstream: string[]
  secret?: string
  token?: string
  extraArgs?: string[]
}

export class RelayProcess {
  proc: ChildProcess | null = null
  readonly output: string[] = []
  private exit: Promise<number | null> = Promise.resolve(null)
  private running = false

  constructor(
    readonly port: number,
    private readonly o: RelayProcessOptions,
  ) {}

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
    const args = [cli, 'relay', '--upstream', this.o.upstream.join(','), '--port', String(this.port), ...(this.o.token !== undefined ? ['--upstream-token', this.o.token] : []), ...(this.o.extraArgs ?? [])]
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ORDO_SECRET: this.o.secret ?? '' } })
    this.proc = proc
    this.running = true
    this.exit = new Promise((resolve) => proc.on('exit', (code, signal) => {
      this.running = false
      resolve(code ?? (signal === 'SIGKILL' ? 137 : -1))
    }))
    await new Promise<void>((resolve, reject) => {
      let buf = ''
      const timer = setTimeout(() => reject(new Error(`relay not ready within 30 s:\n${this.output.join('\n')}`)), 30_000)
      proc.stdout!.on('data', (d: Buffer) => {
        buf += d.toString()
        let nl: number
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          this.output.push(line)
          if (this.output.length > 500) this.output.splice(0, 100)
          if (/"msg":"ready"|ready$/.test(line)) {
            clearTimeout(timer)
            resolve()
          }
        }
      })
      proc.stderr!.on('data', (d: Buffer) => this.output.push(`stderr: ${d.toString().trimEnd()}`))
      proc.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`relay exited before ready (code ${code}):\n${this.output.join('\n')}`))
      })
    })
  }

  async kill9(): Promise<void> {
    if (!this.running) return
    this.proc!.kill('SIGKILL')
    await this.exit
  }

  async stop(): Promise<void> {
    if (!this.running) return
    this.proc!.kill('SIGTERM')
    const t = setTimeout(() => this.proc?.kill('SIGKILL'), 10_000)
    await this.exit
    clearTimeout(t)
  }
}

export async function startRelayProcess(o: RelayProcessOptions): Promise<RelayProcess> {
  const r = new RelayProcess(await freePort(), o)
  try {
    await r.start()
  } catch (err) {
    r.proc?.kill('SIGKILL')
    throw err
  }
  return r
}
