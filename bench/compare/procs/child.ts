// The comparison's helper processes (publishers, subscribers, servers) talk to their runner in JSON lines:
// the child writes one JSON object per line on stdout ({"ready":..}, {"progress":..}, {"result":..},
// {"error":"..."}); the runner writes plain command lines on its stdin ("go", "expect 1000000", "stop").
// stderr is passed through so a crash shows its stack.

import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export type ChildMessage = Record<string, unknown>

export class Child {
  private readonly queue: ChildMessage[] = []
  private waiters: (() => void)[] = []
  private exited = false
  private stderrTail = ''
  /** Called with every {"progress": ...} message instead of queueing it. */
  onProgress: ((m: ChildMessage) => void) | null = null

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let m: ChildMessage
      try {
        m = JSON.parse(line) as ChildMessage
      } catch {
        process.stderr.write(`${name}: ${line}\n`)
        return
      }
      if ('progress' in m && this.onProgress !== null) this.onProgress(m)
      else if (!('progress' in m)) this.queue.push(m)
      this.wake()
    })
    proc.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000)
    })
    proc.once('exit', () => {
      this.exited = true
      this.wake()
    })
  }

  /** Starts `node <script> <JSON arg>`; `script` is relative to this module (dist/bench/compare/procs/). */
  static start(name: string, script: string, arg: unknown, nodeArgs: string[] = []): Child {
    const file = fileURLToPath(new URL(script, import.meta.url))
    const proc = spawn(process.execPath, [...nodeArgs, file, JSON.stringify(arg)], { stdio: ['pipe', 'pipe', 'pipe'] })
    return new Child(name, proc)
  }

  get pid(): number {
    return this.proc.pid ?? 0
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** The next message holding `key` (earlier messages without it are dropped); throws on error, exit or timeout. */
  async next(key: string, timeoutMs: number): Promise<ChildMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (this.queue.length > 0) {
        const m = this.queue.shift()!
        if ('error' in m) throw new Error(`${this.name}: ${String(m.error)}`)
        if (key in m) return m
      }
      if (this.exited) throw new Error(`${this.name} exited (code ${this.proc.exitCode}) before sending "${key}"${this.stderrTail === '' ? '' : `:\n${this.stderrTail}`}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`${this.name}: no "${key}" within ${timeoutMs} ms`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, Math.min(left, 200))
      })
    }
  }

  send(line: string): void {
    if (!this.exited && this.proc.stdin!.writable) this.proc.stdin!.write(`${line}\n`)
  }

  /** Waits up to `graceMs` for the process to exit by itself, then kills it (by this child's pid only). */
  async stop(graceMs = 2000): Promise<void> {
    if (this.exited) return
    this.proc.stdin!.end()
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()))
    await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs))])
    if (!this.exited) {
      this.proc.kill('SIGKILL')
      await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))])
    }
  }
}

/** Child side: calls `cb` with every command line from the runner; exits when the runner closes stdin. */
export function onCommand(cb: (line: string) => void): void {
  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => cb(line.trim()))
  rl.on('close', () => process.exit(0))
}

/** Child side: writes one JSON line; `then` runs once it is flushed. */
export function emit(m: ChildMessage, then?: () => void): void {
  process.stdout.write(`${JSON.stringify(m)}\n`, then)
}
