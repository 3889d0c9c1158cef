// Runs one of the embedding-API child scripts in its own process and returns how it
// ended: an exception that escapes the engine kills that process, not the test runner,
// and an engine that keeps the process alive after close() shows as a timeout.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ChildEnd {
  code: number | null
  pid: number | undefined
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
}

export function runChild(script: string, args: string[], timeoutMs: number): Promise<ChildEnd> {
  const file = fileURLToPath(new URL(`./${script}.js`, import.meta.url))
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      p.kill('SIGKILL')
    }, timeoutMs)
    p.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, pid: p.pid, signal, timedOut, stdout, stderr })
    })
  })
}

export function describeEnd(e: ChildEnd): string {
  return `code=${e.code}, signal=${e.signal}, timedOut=${e.timedOut}\nstdout:\n${e.stdout}\nstderr:\n${e.stderr}`
}
