// The child side of the peer benchmark's process protocol (the runner side is bench/compare/peer-procs.ts).
//
//   runner ──argv[2]: JSON config──▶ child
//   runner ──stdin lines: "go", "stop"──▶ child
//   child  ──stdout JSON lines: {t:'ready'} {t:'progress',n} {t:'done',...} {t:'error',message}──▶ runner
//
// stdout carries only protocol lines; anything else a child wants to say goes to stderr.

import { createInterface } from 'node:readline'

export function emit(msg: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(msg) + '\n')
}

export function config<T>(): T {
  const raw = process.argv[2]
  if (raw === undefined) throw new Error('missing JSON config argument: this script is started by bench/compare/peer-procs.ts')
  return JSON.parse(raw) as T
}

type Command = 'go' | 'stop'
const waiters = new Map<Command, Array<() => void>>()
const seen = new Set<Command>()

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim() as Command
  seen.add(cmd)
  for (const w of waiters.get(cmd) ?? []) w()
  waiters.delete(cmd)
}).on('close', () => {
  // The runner went away: nobody will read our results.
  process.exit(3)
})

/** Resolves when the runner sends `cmd` (at once if it already has). */
export function command(cmd: Command): Promise<void> {
  if (seen.has(cmd)) return Promise.resolve()
  return new Promise((resolve) => {
    const list = waiters.get(cmd) ?? []
    list.push(resolve)
    waiters.set(cmd, list)
  })
}

export function received(cmd: Command): boolean {
  return seen.has(cmd)
}

/** Reports `count()` every `ms` until the returned stop function is called. */
export function progressEvery(ms: number, count: () => number): () => void {
  const timer = setInterval(() => emit({ t: 'progress', n: count() }), ms)
  return () => clearInterval(timer)
}

/** Runs `main`; an exception becomes one {t:'error'} line and exit code 1. */
export function runChild(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      emit({ t: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
      process.exit(1)
    },
  )
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
