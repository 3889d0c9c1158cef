// What the gateway tells a client when EnginePort.resolveGroupIds failed (ResolveGroups,
// POST /publish): a bad name is the client's, a disk that refused to record a new group
// is a passing condition of the server (retry later), anything else is INTERNAL.

import { ErrorCode } from '../codec/error-codes.js'
import type { OfferRefusal } from './offer-refusal.js'

/** Wire error for a failed resolveGroupIds: BAD_GROUP_NAME, DISK_FULL / JOURNAL_IO, or INTERNAL. */
export function groupResolveRefusal(err: unknown): OfferRefusal {
  const e = err as { code?: unknown; errno?: unknown; message?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  if (e?.code === 'GROUP_NAME_INVALID') return { code: ErrorCode.BAD_GROUP_NAME, message }
  if (e?.code === 'JOURNAL_IO') {
    const full = e.errno === 'ENOSPC' || e.errno === 'EDQUOT'
    return { code: full ? ErrorCode.DISK_FULL : ErrorCode.JOURNAL_IO, message: `cannot record new groups now: ${message}; retry later` }
  }
  return { code: ErrorCode.INTERNAL, message }
}
