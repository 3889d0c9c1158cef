// Runs `ordo <args>` (dist/tools/cli.js) in its own process and collects its
// output; the process is killed if it outlives the timeout.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const cliPath = fileURLToPath(new URL('../../../tools/cli.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  input?: string | Uint8Array
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

export function ordo(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: o.env ?? process.env })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const t = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 30_000)
    p.on('close', (code, signal) => {
      clearTimeout(t)
      resolve({ code, signal, stdout, stderr })
    })
    p.stdin.on('error', () => {}) // the command may exit before reading all input
    p.stdin.end(o.input ?? '')
  })
}

/** Starts `ordo <args>` and returns the live process with its output so far (for signal tests). */
export function ordoLive(args: string[], env: NodeJS.ProcessEnv = process.env): { proc: ChildProcess; out: { stdout: string; stderr: string }; closed: Promise<CliResult> } {
  const proc = spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env })
  const out = { stdout: '', stderr: '' }
  proc.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()))
  proc.stdin!.on('error', () => {})
  const closed = new Promise<CliResult>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout: out.stdout, stderr: out.stderr })))
  return { proc, out, closed }
}

export async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
