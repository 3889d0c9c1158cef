// A child node process running one of test/gateway/procs/*.js, read line by
// line: tests wait for lines, send commands on stdin, and parse the JSON line
// a process prints at the end.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export class Proc {
  readonly lines: string[] = []
  readonly stderr: string[] = []
  private waiters: (() => void)[] = []
  exitCode: number | null = null
  private readonly proc: ChildProcess

  constructor(script: string, args: string[]) {
    const file = fileURLToPath(new URL(`../procs/${script}.js`, import.meta.url))
    this.proc = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
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
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr.push(d.toString())
      if (this.stderr.length > 200) this.stderr.shift()
    })
    // 'close', not 'exit': 'exit' can come before the last stdout data is read.
    this.proc.on('close', (code) => {
      this.exitCode = code ?? -1
      this.wake()
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  send(line: string): void {
    this.proc.stdin!.write(line + '\n')
  }

  /** Waits for a line matching pred (searching from the start); returns it. */
  async waitLine(pred: (l: string) => boolean, timeoutMs: number, what = 'a line'): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.lines.find(pred)
      if (found !== undefined) return found
      if (this.exitCode !== null) throw new Error(`process exited (${this.exitCode}) before ${what}; stderr: ${this.stderr.join('').slice(-2000)}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timeout waiting for ${what}; last lines: ${this.lines.slice(-3).join(' | ').slice(0, 500)}; stderr: ${this.stderr.join('').slice(-2000)}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** The JSON object the process prints last. */
  async result<T>(timeoutMs: number): Promise<T> {
    const line = await this.waitLine((l) => l.startsWith('{'), timeoutMs, 'its JSON result')
    return JSON.parse(line) as T
  }

  /** Sends a signal to the process (SIGSTOP / SIGCONT to freeze it whole). */
  signal(sig: NodeJS.Signals): void {
    if (this.exitCode === null) this.proc.kill(sig)
  }

  kill(): void {
    if (this.exitCode === null) {
      this.proc.kill('SIGCONT') // a stopped process still dies of SIGKILL; this keeps its pipes flowing
      this.proc.kill('SIGKILL')
    }
  }
}
