// The engine's state, kept in one place: whether it takes publishes, and if not, why,
// since when and what the operator should do. Everything that must know reads it here
// (Engine.publish, the gateway's port, /health, /metrics, the log), and everything that
// changes it calls one of the transitions below; listeners hear each change as an event.
//
//   starting ──▶ running ◀──────────── journal_resumed ──┐
//                  │  └── journal_failed ──▶ journal-failed ─┤ journal_retry_failed (stays)
//                  │                              │          │
//                  ├──────── engine_failed ───────┴──▶ failed (a stage stopped for good: restart)
//                  └── closing ──▶ closed       (from any state)
//
// journal-failed: the journal cannot write (a full disk, an I/O error). Publishes are
// refused with DISK_FULL or JOURNAL_IO, reads of what is durable go on, and the journal
// retries by itself (stages/journal/journal-appender.ts); it comes back to running when a
// retry succeeds. failed: a stage stopped for good (records lost by the device, a bug):
// only a restart helps, and `fault.action` says what to check first.
// Roles a future mode adds (leader, follower...) belong here too, next to `state`.

import { ErrorCode, errorCodeName } from '../codec/error-codes.js'
import type { OrdoBaseError } from '../codec/ordo-error.js'

export const EngineState = {
  starting: 'starting',
  running: 'running',
  journalFailed: 'journal-failed',
  failed: 'failed',
  closing: 'closing',
  closed: 'closed',
} as const
export type EngineState = (typeof EngineState)[keyof typeof EngineState]

/** Why the engine does not take publishes. */
export interface EngineFault {
  /** Stable code: DISK_FULL, JOURNAL_IO, or a failed stage's code. */
  readonly code: string
  /** The wire code publishes are refused with (DISK_FULL, JOURNAL_IO, INTERNAL). */
  readonly wireCode: number
  /** The I/O error's errno (ENOSPC, EIO, ...), '' when none. */
  readonly errno: string
  /** What failed (write, fsync, create-segment...), '' when unknown. */
  readonly op: string
  readonly message: string
  /** What the operator should do. */
  readonly action: string
  /** When it began (Date.now()). */
  readonly since: number
  /** Retries that failed so far (journal-failed). */
  readonly retries: number
  /** When the next retry is due (Date.now()); 0 when none is planned. */
  readonly nextRetryAt: number
}

/** A snapshot of the state (a new object each time; cheap, for /health and metrics). */
export interface EngineStatus {
  readonly state: EngineState
  /** Whether publishes are taken now. */
  readonly accepting: boolean
  /** Why not, when the state is journal-failed or failed; else null. */
  readonly fault: EngineFault | null
  /** Journal faults since the engine opened. */
  readonly journalFaults: number
  /** Journal retries that failed since the engine opened. */
  readonly journalRetryFailures: number
}

export type EngineEventName = 'journal_failed' | 'journal_retry_failed' | 'journal_resumed' | 'engine_failed' | 'engine_closed'

export interface EngineEvent {
  readonly event: EngineEventName
  /** The status after the change. */
  readonly status: EngineStatus
  /** The facts of the change, for a log line (code, errno, durableGsn, attempt, faultMs...). */
  readonly fields: Readonly<Record<string, string | number>>
}

export type EngineListener = (e: EngineEvent) => void

/** What the operator can do about a journal fault, by errno. */
export function journalFaultAction(errno: string, dir: string): string {
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    return `free space on the file system of ${dir} (or raise its quota); the engine retries by itself and takes publishes again once a write succeeds`
  }
  if (errno === 'EROFS') return `the file system of ${dir} is read-only: remount it read-write; the engine retries by itself`
  return `check the device holding ${dir} (kernel log: dmesg); the engine retries by itself and takes publishes again once a write and an fsync succeed`
}

export class EngineStateMachine {
  private current: EngineState = EngineState.starting
  private fault: EngineFault | null = null
  private faults = 0
  private retryFailures = 0
  private readonly listeners = new Set<EngineListener>()

  constructor(private readonly journalDir: string) {}

  get state(): EngineState {
    return this.current
  }

  get accepting(): boolean {
    return this.current === EngineState.running
  }

  get status(): EngineStatus {
    return {
      state: this.current,
      accepting: this.accepting,
      fault: this.fault,
      journalFaults: this.faults,
      journalRetryFailures: this.retryFailures,
    }
  }

  /** Listen to every change; returns the function that stops listening. */
  onChange(listener: EngineListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get listenerCount(): number {
    return this.listeners.size
  }

  started(): void {
    if (this.current === EngineState.starting) this.current = EngineState.running
  }

  journalFailed(wireCode: number, errno: string, op: string, message: string, gsns: { durable: number; sequenced: number }, retryInMs: number): void {
    if (this.current === EngineState.closed || this.current === EngineState.failed) return
    this.faults++
    const now = Date.now()
    this.fault = {
      code: errorCodeName(wireCode), wireCode, errno, op, message, action: journalFaultAction(errno, this.journalDir),
      since: now, retries: 0, nextRetryAt: now + retryInMs,
    }
    if (this.current !== EngineState.closing) this.current = EngineState.journalFailed
    this.emit('journal_failed', { code: this.fault.code, errno, op, durableGsn: gsns.durable, sequencedGsn: gsns.sequenced, message })
  }

  journalRetryFailed(attempt: number, errno: string, message: string, nextInMs: number): void {
    const f = this.fault
    if (f === null) return
    this.retryFailures++
    this.fault = { ...f, errno, retries: attempt, nextRetryAt: Date.now() + nextInMs }
    this.emit('journal_retry_failed', { code: f.code, errno, attempt, nextRetryMs: nextInMs, message })
  }

  journalResumed(retries: number, faultMs: number, writtenGsn: number): void {
    const f = this.fault
    if (f === null || this.current === EngineState.failed || this.current === EngineState.closed) return
    this.fault = null
    if (this.current === EngineState.journalFailed) this.current = EngineState.running
    this.emit('journal_resumed', { code: f.code, retries, faultMs: Math.round(faultMs), writtenGsn })
  }

  /** A stage stopped for good. */
  failed(err: OrdoBaseError, stage: string): void {
    if (this.current === EngineState.failed || this.current === EngineState.closed) return
    const wireCode = err.code === 'JOURNAL_DATA_LOST' ? ErrorCode.JOURNAL_IO : ErrorCode.INTERNAL
    this.fault = {
      code: err.code, wireCode, errno: '', op: stage, message: err.message,
      action: `restart the engine once the cause is fixed (${stage} stopped for good); every acknowledged message is in the journal, recovery cuts what is damaged`,
      since: Date.now(), retries: 0, nextRetryAt: 0,
    }
    this.current = EngineState.failed
    this.emit('engine_failed', { code: err.code, stage, message: err.message })
  }

  closing(): void {
    if (this.current !== EngineState.closed) this.current = EngineState.closing
  }

  closed(): void {
    this.current = EngineState.closed
    this.emit('engine_closed', {})
  }

  private emit(event: EngineEventName, fields: Record<string, string | number>): void {
    const e: EngineEvent = { event, status: this.status, fields }
    for (const l of this.listeners) {
      try {
        l(e)
      } catch (err) {
        process.emitWarning(`an engine state listener threw: event=${event}, error=${err instanceof Error ? err.message : String(err)}`, { code: 'ORDO_LISTENER_FAILED' })
      }
    }
  }
}
