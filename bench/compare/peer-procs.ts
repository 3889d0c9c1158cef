// The runner side of the peer benchmark's process protocol (child side: bench/compare/procs/child-io.ts), and one
// measured phase: S subscriber processes, P publisher processes, one "go", everything collected or timed out.
//
//   runner ─spawn─▶ sub 0..S-1 ──{ready}──▶ runner        (subscribed before anything is published)
//   runner ─spawn─▶ pub 0..P-1 ──{ready}──▶ runner        (connected)
//   runner ──"go"──▶ every pub;  pubs ──{progress}/{done}──▶ runner;  subs ──{progress}/{done}──▶ runner
//   a subscriber that stops advancing for `stallMs` after the last publisher is done gets "stop" and reports what
//   it has (its check then lists what is missing); one that does not answer that is killed and named a problem.
//
// Every child is SIGKILLed in a finally, whatever happened.

import { spawn, type ChildProcess } from 'node:child_process'
import type { Progress } from './workload.js'

export interface PubDone {
  readonly t: 'done'
  readonly sent: number
  /** Acknowledged by the system (equal to `sent` in modes without acks). */
  readonly acked: number
  /** Shared-clock µs (bench/compare/peer-payload.ts nowUs) of the first send, last send and last ack. */
  readonly firstUs: number
  readonly lastSendUs: number
  readonly lastAckUs: number
  readonly errors: readonly string[]
}

export interface SubDone {
  readonly t: 'done'
  readonly received: number
  readonly firstUs: number
  readonly lastUs: number
  readonly problems: readonly string[]
  /** hdr-histogram-js encodeIntoCompressedBase64 of publish→deliver µs (latency phases only). */
  readonly hist?: string
}

type ChildMsg =
  | { t: 'ready' }
  | { t: 'progress'; n: number }
  | { t: 'error'; message: string }
  | PubDone
  | SubDone

const STDERR_TAIL = 2000

export class ChildProc {
  private readonly child: ChildProcess
  private out = ''
  private errTail = ''
  ready = false
  progress = 0
  progressAt = Date.now()
  done: ChildMsg | null = null
  failure: string | null = null

  constructor(readonly name: string, script: URL, cfg: unknown) {
    this.child = spawn(process.execPath, [script.pathname, JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stdout!.setEncoding('utf8')
    this.child.stdout!.on('data', (chunk: string) => {
      this.out += chunk
      let nl: number
      while ((nl = this.out.indexOf('\n')) >= 0) {
        const line = this.out.slice(0, nl)
        this.out = this.out.slice(nl + 1)
        if (line.trim() !== '') this.onLine(line)
      }
    })
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (chunk: string) => {
      this.errTail = (this.errTail + chunk).slice(-STDERR_TAIL)
    })
    this.child.stdin!.on('error', () => undefined) // the child may exit before reading what we wrote
    this.child.once('error', (err) => {
      this.failure ??= `${this.name} could not start: ${err.message}`
    })
    // 'close' comes after the child's stdout has ended, so a final {done} line has been parsed by then.
    this.child.once('close', (code, signal) => {
      if (this.done === null) this.failure ??= `${this.name} exited before reporting (code=${code}, signal=${signal})${this.stderrNote()}`
    })
  }

  private stderrNote(): string {
    const tail = this.errTail.trim()
    return tail === '' ? '' : `; its stderr ends: ${tail.slice(-600)}`
  }

  private onLine(line: string): void {
    let msg: ChildMsg
    try {
      msg = JSON.parse(line) as ChildMsg
    } catch {
      this.errTail = (this.errTail + `[stdout] ${line}\n`).slice(-STDERR_TAIL)
      return
    }
    switch (msg.t) {
      case 'ready': this.ready = true; break
      case 'progress':
        if (msg.n !== this.progress) this.progressAt = Date.now()
        this.progress = msg.n
        break
      case 'error': this.failure ??= `${this.name} failed: ${msg.message}${this.stderrNote()}`; break
      case 'done': this.done = msg; break
    }
  }

  send(cmd: 'go' | 'stop'): void {
    if (cmd === 'go') this.progressAt = Date.now() // stall timing starts now, not at spawn
    if (this.child.exitCode === null && this.child.stdin?.writable === true) this.child.stdin.write(cmd + '\n')
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      this.child.kill('SIGKILL')
    }
  }
}

export interface PhaseSpec {
  /** Row key, for progress lines. */
  readonly key: string
  readonly pubScript: URL
  readonly subScript: URL
  readonly publishers: number
  readonly subscribers: number
  /** Messages in this phase, summed over publishers. */
  readonly messages: number
  pubConfig(i: number): unknown
  subConfig(i: number): unknown
  /** A subscriber that has not advanced for this long after the last publisher finished is told to stop. */
  readonly stallMs?: number
  /** Runs from "go" until it resolves, alongside the publishers (JetStream's stored-count poll). */
  readonly watch?: () => Promise<void>
}

export interface PhaseOutcome {
  readonly pubs: readonly PubDone[]
  /** null for a subscriber that crashed or never reported. */
  readonly subs: readonly (SubDone | null)[]
  /** Subscriber failures in words ("subscriber 1: did not answer stop within 5 s"). */
  readonly problems: readonly string[]
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const READY_TIMEOUT_MS = 30_000
const STOP_ANSWER_MS = 5_000
/** Publishers that acknowledge nothing new for this long have stalled (the system stopped answering). */
const PUB_STALL_MS = 30_000

export function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`
  return String(n)
}

async function awaitReady(procs: readonly ChildProc[], what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    const failed = procs.find((p) => p.failure !== null)
    if (failed !== undefined) throw new Error(failed.failure!)
    if (procs.every((p) => p.ready)) return
    if (Date.now() > deadline) {
      const late = procs.filter((p) => !p.ready).map((p) => p.name)
      throw new Error(`${what} not ready within ${READY_TIMEOUT_MS / 1000} s: ${late.join(', ')}`)
    }
    await sleep(20)
  }
}

/** Runs one phase; throws when a publisher fails (the figures would mean nothing), lists subscriber failures. */
export async function runPhase(spec: PhaseSpec, progress: Progress): Promise<PhaseOutcome> {
  const stallMs = spec.stallMs ?? 10_000
  const subs: ChildProc[] = []
  const pubs: ChildProc[] = []
  let ticker: NodeJS.Timeout | undefined
  try {
    for (let i = 0; i < spec.subscribers; i++) subs.push(new ChildProc(`${spec.key} subscriber ${i}`, spec.subScript, spec.subConfig(i)))
    await awaitReady(subs, `${spec.key} subscribers`)
    for (let i = 0; i < spec.publishers; i++) pubs.push(new ChildProc(`${spec.key} publisher ${i}`, spec.pubScript, spec.pubConfig(i)))
    await awaitReady(pubs, `${spec.key} publishers`)

    const line = (): string => {
      const published = pubs.reduce((s, p) => s + (p.done !== null ? (p.done as PubDone).acked : p.progress), 0)
      const delivered = Math.min(...subs.map((s) => (s.done !== null ? (s.done as SubDone).received : s.progress)))
      return `${spec.key}: ${fmtCount(published)}/${fmtCount(spec.messages)} published, ${fmtCount(delivered)} delivered (slowest subscriber)`
    }
    ticker = setInterval(() => progress(line()), 1000)
    for (const p of pubs) p.send('go')
    // Caught here so that a phase that fails first does not leave a rejection nobody handles; rethrown below.
    let watchFailure: unknown = null
    const watching = spec.watch?.().catch((err: unknown) => { watchFailure = err })

    // Publishers: all done, or one failed, or none advanced for PUB_STALL_MS.
    for (;;) {
      const failed = pubs.find((p) => p.failure !== null)
      if (failed !== undefined) throw new Error(failed.failure!)
      if (pubs.every((p) => p.done !== null)) break
      const lastMove = Math.max(...pubs.map((p) => p.progressAt))
      if (Date.now() - lastMove > PUB_STALL_MS) {
        throw new Error(`${spec.key}: publishers made no progress for ${PUB_STALL_MS / 1000} s (${line()}); is the server still answering?`)
      }
      await sleep(20)
    }
    if (watching !== undefined) await watching
    if (watchFailure !== null) throw watchFailure

    // Subscribers: all done, or told to stop after stalling, or killed when they do not answer.
    const problems: string[] = []
    const stopSentAt = new Map<ChildProc, number>()
    const pubsDoneAt = Date.now()
    for (;;) {
      let pending = 0
      for (const [i, s] of subs.entries()) {
        if (s.done !== null || s.failure !== null) continue
        pending++
        const sent = stopSentAt.get(s)
        if (sent === undefined) {
          if (Date.now() - Math.max(s.progressAt, pubsDoneAt) > stallMs) {
            s.send('stop')
            stopSentAt.set(s, Date.now())
            problems.push(`subscriber ${i}: no new message for ${stallMs / 1000} s after the last publish; stopped it`)
          }
        } else if (Date.now() - sent > STOP_ANSWER_MS) {
          s.kill()
          s.failure = `did not answer stop within ${STOP_ANSWER_MS / 1000} s; killed`
        }
      }
      if (pending === 0) break
      await sleep(20)
    }
    progress(line())
    for (const [i, s] of subs.entries()) {
      if (s.done === null) problems.push(`subscriber ${i}: ${s.failure ?? 'no report'}`)
    }
    return {
      pubs: pubs.map((p) => p.done as PubDone),
      subs: subs.map((s) => (s.done as SubDone | null)),
      problems,
    }
  } finally {
    clearInterval(ticker)
    for (const p of [...pubs, ...subs]) p.kill()
  }
}
