// Main thread ↔ sequencer worker: what engine.ts hands the worker at start
// (SequencerWorkerData) and what the worker posts back (stage-messages.ts shapes).

import type { ArenaLayout } from '../../descriptors/arena-descriptor.js'
import type { RecoveryReport } from '../../journal/recovery.js'
import type { RetentionPolicy, RetentionReport } from '../../journal/retention.js'
import type { StageMessage } from '../stage-messages.js'
import type { ScanReport } from './recovery-scan.js'

export interface SequencerWorkerData {
  arena: SharedArrayBuffer
  layout: ArenaLayout
  wm: SharedArrayBuffer
  ingressBell: SharedArrayBuffer
  dispatchBell: SharedArrayBuffer
  /** Rung after each journal write in fsync mode: the journal-sync stage sleeps on it. */
  syncBell: SharedArrayBuffer
  memoryMode: boolean
  durability: 'fsync' | 'async' | 'memory'
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

/** Retention deleted segments (posted only when it did): the main thread counts and logs them. */
export interface SequencerRetention {
  type: 'retention'
  report: RetentionReport
}

export type SequencerMessage = StageMessage<SequencerReady, SequencerStopped, SequencerRetention>
