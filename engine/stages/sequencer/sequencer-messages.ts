// Main thread ↔ sequencer worker: what engine.ts hands the worker at start
// (SequencerWorkerData) and what the worker posts back (stage-messages.ts shapes).

import type { ArenaLayout } from '../../descriptors/arena-descriptor.js'
import type { RecoveryReport } from '../../journal/recovery.js'
import type { RetentionPolicy, RetentionReport } from '../../journal/retention.js'
import type { StageMessage } from '../stage-messages.js'
import type { ScanReport } from './recovery-scan.js'
import type { FileIoModule } from '../../journal/file-io-module.js'

export interface SequencerWorkerData {
  arena: SharedArrayBuffer
  layout: ArenaLayout
  wm: SharedArrayBuffer
  ingressBell: SharedArrayBuffer
  dispatchBell: SharedArrayBuffer
  /** Rung after each journal write in fsync mode: the journal-sync stage sleeps on it. */
  syncBell: SharedArrayBuffer
  memoryMode: boolean
  durability: 'fsync' | 'async' | 'memory' | 'replicated'
  /** Journal directory. */
  dataDir: string
  /** Sequencer state snapshots. */
  stateDir: string
  /** Messages between snapshots. */
  snapshotEvery: number
  segmentBytes: number
  retention: RetentionPolicy | undefined
  batchMaxMessages: number
  batchMaxBytes: number
  maxGroups: number
  dedupeWindow: number
  /** Empty passes before parking (EngineOptions.idleSpins). */
  idleSpins: number
  /** The journal's file operations (fault injection); default node:fs. */
  fileIo?: FileIoModule
  /** EngineOptions.stageTrace's buffer, or null. */
  trace: SharedArrayBuffer | null
}

/** The journal is open and recovered, the state rebuilt: the sequencer takes traffic. */
export interface SequencerReady {
  type: 'ready'
  /** What the state rebuild read from the journal. */
  scan: ScanReport
  /** Oldest gsn in the journal (0: empty or memory mode). */
  firstGsn: number
  /** Gsn the next message gets. */
  nextGsn: number
  /** What the journal's recovery found on open (null in memory mode). */
  recovery: RecoveryReport | null
}

/** Drained after a stop request: everything taken was sequenced and journaled. */
export interface SequencerStopped {
  type: 'stopped'
  nextGsn: number
  /** Ingress records that could not be framed (a producer bug), dropped. */
  malformed: number
}

/**
 * The journal cannot write (a full disk, an I/O error): appends stopped, every message
 * from now on is refused with `code`; gsns up to `sequencedGsn` were given before.
 */
export interface JournalFault {
  type: 'journal-fault'
  /** Wire code: DISK_FULL or JOURNAL_IO. */
  code: number
  errno: string
  /** What failed: write, fsync, create-segment... */
  op: string
  message: string
  /** The last gsn sequenced before appends stopped: nothing above it was given out. */
  sequencedGsn: number
  writtenGsn: number
}

/** A retry of the faulted journal failed; the next comes after nextInMs. */
export interface JournalRetryFailed {
  type: 'journal-retry-failed'
  attempt: number
  errno: string
  message: string
  nextInMs: number
}

/** A retry succeeded: the journal writes again and messages are sequenced again. */
export interface JournalResumed {
  type: 'journal-resumed'
  /** Retries that failed before this one. */
  retries: number
  /** How long the journal was faulted. */
  faultMs: number
  writtenGsn: number
}

export type JournalEvent = JournalFault | JournalRetryFailed | JournalResumed

/** Retention deleted segments (posted only when it did): the main thread counts and logs them. */
export interface SequencerRetention {
  type: 'retention'
  report: RetentionReport
}

/** What the sequencer reports besides ready/stopped/failed/warning. */
export type SequencerReport = JournalEvent | SequencerRetention

export type SequencerMessage = StageMessage<SequencerReady, SequencerStopped, SequencerReport>
