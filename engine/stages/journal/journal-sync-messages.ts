// Main thread ↔ journal-sync worker: what engine.ts hands the worker at start
// (JournalSyncWorkerData) and what the worker posts back (stage-messages.ts shapes).

import type { StageMessage } from '../stage-messages.js'
import type { FileIoModule } from '../../journal/file-io-module.js'

export interface JournalSyncWorkerData {
  wm: SharedArrayBuffer
  dispatchBell: SharedArrayBuffer
  syncBell: SharedArrayBuffer
  /** Rung when this stage's fdatasync fails: wakes the sequencer thread, which retries. */
  ingressBell: SharedArrayBuffer
  /** The file operations to use (fault injection); default node:fs. */
  fileIo?: FileIoModule
  /** Journal directory (the worker opens the active segment by name). */
  dir: string
  durability: 'fsync' | 'async'
  asyncFsyncIntervalMs: number
  /** EngineOptions.stageTrace's buffer, or null. */
  trace: SharedArrayBuffer | null
}

/** Started; it waits for the sequencer to open the journal before it touches a watermark. */
export interface JournalSyncReady {
  type: 'ready'
}

/** The sequencer closed the journal and everything it wrote is synced. */
export interface JournalSyncStopped {
  type: 'stopped'
  /** Highest gsn this stage fsynced (0 if it never synced). */
  syncedGsn: number
}

export type JournalSyncMessage = StageMessage<JournalSyncReady, JournalSyncStopped>
