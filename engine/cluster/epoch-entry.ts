// The body of an EPOCH entry: who leads from here on, and where the log stood when it took over.
// JSON, because it is tiny, rare (one per leadership change) and read by people with `nats stream view`.

import { ClusterError, ClusterErrorCode } from './errors.js'
import { checkNodeName } from './names.js'

export const EPOCH_FORMAT = 1

export interface EpochRecord {
  /** The new epoch; the previous EPOCH's epoch + 1. */
  readonly epoch: number
  /** Node name of the leader of this epoch. */
  readonly node: string
  /** Where publishers reach that leader (its gateway URL); informational, given to clients in NOT_LEADER. */
  readonly url: string
  /** Last gsn committed when the epoch began: the new leader sequences from committedGsn + 1. */
  readonly committedGsn: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function isSafeUint(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

export function encodeEpochRecord(r: EpochRecord): Uint8Array {
  checkNodeName(r.node)
  if (!isSafeUint(r.epoch) || r.epoch < 1 || !isSafeUint(r.committedGsn) || typeof r.url !== 'string') {
    throw new ClusterError(
      ClusterErrorCode.badArgument,
      `invalid EPOCH record: epoch=${String(r.epoch)}, committedGsn=${String(r.committedGsn)}, url=${String(r.url)}`,
    )
  }
  return encoder.encode(
    JSON.stringify({ format: EPOCH_FORMAT, epoch: r.epoch, node: r.node, url: r.url, committedGsn: r.committedGsn }),
  )
}

/** Decodes an EPOCH body; throws ClusterError(badEntry) naming `seq` when it is not one. */
export function decodeEpochRecord(bytes: Uint8Array, seq: number): EpochRecord {
  let v: unknown
  try {
    v = JSON.parse(decoder.decode(bytes))
  } catch (e) {
    throw new ClusterError(ClusterErrorCode.badEntry, `EPOCH entry is not JSON: seq=${seq}`, { cause: e })
  }
  const o = v as Record<string, unknown>
  if (typeof v !== 'object' || v === null || o.format !== EPOCH_FORMAT) {
    throw new ClusterError(
      ClusterErrorCode.badEntry,
      `EPOCH entry of an unknown format: seq=${seq}, format=${String(o?.format)}, supported=${EPOCH_FORMAT}`,
    )
  }
  if (!isSafeUint(o.epoch) || o.epoch < 1 || typeof o.node !== 'string' || typeof o.url !== 'string' || !isSafeUint(o.committedGsn)) {
    throw new ClusterError(ClusterErrorCode.badEntry, `EPOCH entry with bad fields: seq=${seq}`)
  }
  return { epoch: o.epoch, node: o.node, url: o.url, committedGsn: o.committedGsn }
}
