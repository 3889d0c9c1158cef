// The meaning of the replicated log: which entries count. Every node runs this same pure function over the
// same stream, so every node reaches the same verdict for every entry, with no communication.
//
// Why entries can be in the stream and still not count: the fence (expected last sequence) is checked per
// entry, and a writer pipelines several. When a candidate's EPOCH lands between two entries of the old
// leader's pipeline, the old leader's next entries expect positions that are now occupied one later, so the
// first is refused, but the second expects exactly the position the EPOCH took plus one... and is stored:
//
//   seq:      L        L+1            L+2               L+3
//             old k-1  EPOCH e+1      old k+1 (e)       old k+2 (e)       old k was refused: it expected L
//                      (fenced on L)  expected L+1: ok  expected L+2: ok
//
// (Reproduced on nats-server 2.15.1: test/engine/cluster/stale-pipeline.test.ts.) The rule below makes those
// entries stale, deterministically:
//
//   state: epoch (of the newest valid EPOCH), nextGsn, lastSeq (last stream seq read)
//   EPOCH  x          valid iff x > epoch; then epoch = x. Its committedGsn must equal nextGsn - 1 (the
//                     candidate read exactly this prefix: its fence says so), anything else is a broken log.
//   batch  (x, g, n)  valid iff x == epoch and its first gsn g == nextGsn; then nextGsn = g + n
//   heartbeat x       valid iff x == epoch (the leader is alive); changes nothing else
//   anything else     stale (a deposed leader's pipeline, or a leader's own entries after one of them was
//                     refused), or foreign (no ordo headers): skipped
//
// A leader learns that its pipeline broke from the refusal of its first entry that did not fit; it then reads
// the log to its end with this interpreter and either finds a newer EPOCH (deposed) or takes epoch + 1 fenced
// on the end (its later entries, stored or not, are stale from then on) and re-sends from nextGsn.

import { checkRecords, entryLastGsn, recordCheckReason, recordFirstGsn } from './batch-record.js'
import { EntryKind } from './entry-descriptor.js'
import { type EpochRecord, decodeEpochRecord } from './epoch-entry.js'
import { ClusterError, ClusterErrorCode } from './errors.js'

export const Verdict = {
  /** A batch that is part of the log: its gsns are sequenced. */
  batch: 1,
  /** An EPOCH that starts a new leadership. */
  epoch: 2,
  /** A heartbeat of the current leader. */
  heartbeat: 3,
  /** A group the current leader named (`group` holds it). */
  group: 4,
  /** An ordo entry that does not count (see the rule above). */
  stale: 0,
  /** Not an ordo entry at all (no Ordo-Kind header): something else published on the log's subjects. */
  foreign: -1,
} as const
export type Verdict = (typeof Verdict)[keyof typeof Verdict]

/** Where interpretation starts: the empty log, or a node's saved position. */
export interface LogPosition {
  readonly epoch: number
  readonly nextGsn: number
  readonly lastSeq: number
  readonly leader?: EpochRecord | undefined
}

export const EMPTY_LOG: LogPosition = { epoch: 0, nextGsn: 1, lastSeq: 0 }

export class LogInterpreter {
  /** Epoch of the newest valid EPOCH (0 before the first). */
  epoch: number
  /** Its record: who leads. */
  leader: EpochRecord | undefined
  /** Stream seq of that EPOCH entry (0 if unknown: started from a saved position). */
  epochSeq = 0
  /** The gsn the next valid batch must start with. */
  nextGsn: number
  /** Stream seq of the last entry read, counted or not: the fence a candidate must use. */
  lastSeq: number
  /** Stream seq of the last valid entry. */
  lastValidSeq: number
  /** First gsn and count of the batch the last apply() accepted. */
  batchFirstGsn = 0
  batchCount = 0
  /** The group the last apply() accepted. */
  group: { id: number; name: string } = { id: 0, name: '' }
  /** Each valid EPOCH read: its epoch and the committed gsn it started from, ascending. */
  private readonly epochs: number[] = []
  private readonly epochStarts: number[] = []

  constructor(start: LogPosition = EMPTY_LOG) {
    this.epoch = start.epoch
    this.leader = start.leader
    this.nextGsn = start.nextGsn
    this.lastSeq = start.lastSeq
    this.lastValidSeq = start.lastSeq
  }

  /**
   * For a subscriber shown messages by the leader of `epoch`: every gsn that leader committed is at or below
   * the returned one (the committed gsn the next epoch started from), so what it showed above it was
   * withdrawn. -1 when no later epoch is known here (that leader may still be leading).
   */
  withdrawnAbove(epoch: number): number {
    for (let i = 0; i < this.epochs.length; i++) if (this.epochs[i]! > epoch) return this.epochStarts[i]!
    return -1
  }

  /** Last gsn sequenced by the valid entries read so far. */
  get lastGsn(): number {
    return this.nextGsn - 1
  }

  position(): LogPosition {
    return { epoch: this.epoch, nextGsn: this.nextGsn, lastSeq: this.lastSeq, leader: this.leader }
  }

  /**
   * Applies the entry at stream seq `seq`. `kind` is the Ordo-Kind header (undefined when absent),
   * `epochHeader` the Ordo-Epoch header parsed (-1 when absent or bad). Throws ClusterError(badEntry) when
   * the log cannot be interpreted: a gap (entries were purged under this reader), or an ordo entry whose
   * bytes are broken.
   */
  apply(seq: number, kind: EntryKind | undefined, epochHeader: number, data: Uint8Array): Verdict {
    if (seq !== this.lastSeq + 1) {
      throw new ClusterError(
        ClusterErrorCode.badEntry,
        seq <= this.lastSeq
          ? `log entry read twice or out of order: seq=${seq}, lastSeq=${this.lastSeq}`
          : `log entries missing (purged below this reader): expectedSeq=${this.lastSeq + 1}, seq=${seq}; ` +
            'the node must start again from a snapshot at or above the purge point',
      )
    }
    this.lastSeq = seq
    if (kind === undefined || epochHeader < 0) return Verdict.foreign
    switch (kind) {
      case EntryKind.batch: {
        const check = checkRecords(data)
        if (check !== 0) {
          throw new ClusterError(ClusterErrorCode.badEntry, `batch entry is not valid journal records: seq=${seq}, reason=${recordCheckReason(check)}`)
        }
        if (epochHeader !== this.epoch) return Verdict.stale
        const first = recordFirstGsn(data)
        if (first !== this.nextGsn) return Verdict.stale
        const count = entryLastGsn(data) - first + 1
        this.batchFirstGsn = first
        this.batchCount = count
        this.nextGsn = first + count
        this.lastValidSeq = seq
        return Verdict.batch
      }
      case EntryKind.heartbeat:
        if (epochHeader !== this.epoch) return Verdict.stale
        this.lastValidSeq = seq
        return Verdict.heartbeat
      case EntryKind.group: {
        // Counted like a heartbeat (current epoch); applying one twice is harmless (same id, same name).
        let g: { id?: unknown; name?: unknown }
        try {
          g = JSON.parse(new TextDecoder().decode(data)) as { id?: unknown; name?: unknown }
        } catch {
          throw new ClusterError(ClusterErrorCode.badEntry, `group entry is not JSON: seq=${seq}`)
        }
        if (typeof g.id !== 'number' || !Number.isSafeInteger(g.id) || g.id < 1 || typeof g.name !== 'string' || g.name.length === 0) {
          throw new ClusterError(ClusterErrorCode.badEntry, `group entry malformed: seq=${seq}`)
        }
        if (epochHeader !== this.epoch) return Verdict.stale
        this.group = { id: g.id, name: g.name }
        this.lastValidSeq = seq
        return Verdict.group
      }
      case EntryKind.epoch: {
        const rec = decodeEpochRecord(data, seq)
        if (rec.epoch !== epochHeader) {
          throw new ClusterError(ClusterErrorCode.badEntry, `EPOCH entry header and body disagree: seq=${seq}, header=${epochHeader}, body=${rec.epoch}`)
        }
        if (rec.epoch <= this.epoch) return Verdict.stale
        if (rec.committedGsn !== this.nextGsn - 1) {
          throw new ClusterError(
            ClusterErrorCode.badEntry,
            `EPOCH entry disagrees with the log before it: seq=${seq}, epoch=${rec.epoch}, node=${rec.node}, ` +
              `committedGsn=${rec.committedGsn}, logLastGsn=${this.nextGsn - 1}`,
          )
        }
        this.epoch = rec.epoch
        this.leader = rec
        this.epochs.push(rec.epoch)
        this.epochStarts.push(rec.committedGsn)
        this.epochSeq = seq
        this.lastValidSeq = seq
        return Verdict.epoch
      }
    }
  }
}
