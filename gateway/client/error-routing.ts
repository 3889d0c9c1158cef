// Where an Error frame from the server goes, decided by its fields (code, subscription, ref), never by its
// text: a subscription it names, the oldest name request, the publish it refused (renumbering the later
// ones where the rule says so), a resend after a pause (the server's journal cannot write), a move to the
// leader, or the client's onError.

import { ErrorCode } from '../../codec/error-codes.js'
import type { OrdoError } from './errors.js'
import type { GroupResolver } from './group-resolver.js'
import type { PublishQueue } from './publish-queue.js'
import type { SubscriptionSet } from './subscriptions.js'

export interface ErrorTargets {
  readonly subscriptions: SubscriptionSet
  readonly resolver: GroupResolver
  readonly publishes: PublishQueue
  /** BAD_TOKEN is not fatal: a getToken hook brings a new token at the next attempt. */
  readonly refreshesToken: boolean
  notLeader(leaderUrl: string): void
  /**
   * PUBLISHER_TAKEN: true when the client can ask for a new publisher id (its id was assigned by another
   * server than the one refusing it); false when the refusal ends the client.
   */
  publisherElsewhere(err: OrdoError): boolean
  /** DISK_FULL / JOURNAL_IO for a publish in flight: everything in flight is sent again after a pause. */
  retryLater(err: OrdoError): void
  fail(err: OrdoError): void
  report(err: OrdoError): void
}

/** Codes whose ref is a subscription id (gateway/README.md, error table). */
const SUBSCRIPTION_CODES: ReadonlySet<number> = new Set([ErrorCode.TOO_MANY_SUBSCRIPTIONS, ErrorCode.DUPLICATE_SUBSCRIPTION_ID, ErrorCode.UNKNOWN_SUBSCRIPTION])
const RESOLVE_CODES: ReadonlySet<number> = new Set([ErrorCode.BAD_GROUP_NAME, ErrorCode.FORBIDDEN_GROUP, ErrorCode.UNKNOWN_GROUP])
/** Refusals of one message whose later messages must be renumbered. */
const RENUMBER_CODES: ReadonlySet<number> = new Set([
  ErrorCode.FORBIDDEN_GROUP,
  ErrorCode.UNKNOWN_GROUP,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.TOO_MANY_GROUPS,
  ErrorCode.EMPTY_GROUPS,
  ErrorCode.BAD_PUBLISHER,
  ErrorCode.INTERNAL,
])
/**
 * The server's journal cannot write (a full disk, an I/O error). The message is fine: it stays in flight and
 * is sent again with the same pseq after a pause (what the server stored meanwhile is deduplicated).
 */
const RETRY_CODES: ReadonlySet<number> = new Set([ErrorCode.DISK_FULL, ErrorCode.JOURNAL_IO])

export function routeServerError(err: OrdoError, to: ErrorTargets): void {
  const code = err.wireCode ?? 0
  const r = Number(err.ref)
  if (code === ErrorCode.BAD_TOKEN) {
    // With getToken, the next attempt brings a new token; without, retrying cannot succeed.
    if (to.refreshesToken) to.report(err)
    else to.fail(err)
    return
  }
  if (code === ErrorCode.PUBLISHER_TAKEN) {
    // The publisher id belongs to another identity here: retrying with it cannot succeed. An id another
    // server assigned is replaced by one of this server's; an id the user chose (or this server gave) is not.
    if (!to.publisherElsewhere(err)) to.fail(err)
    return
  }
  if (code === ErrorCode.NOT_LEADER) {
    // The refused publishes stay queued and are resent to the leader under the same publisher id. Without a
    // leader to go to (an election), the next node is tried after the backoff delay, not at once.
    to.notLeader(err.leaderUrl)
    return
  }
  if (code === ErrorCode.PSEQ_GAP) {
    to.publishes.gapErrors++
    return
  }
  if (err.subscription !== 0) {
    if (!to.subscriptions.onRefused(err.subscription, err)) to.report(err)
    return
  }
  if (SUBSCRIPTION_CODES.has(code) && to.subscriptions.onRefused(r, err)) return
  if (r === 0 && RESOLVE_CODES.has(code) && to.resolver.onRefused(err)) return
  if (r !== 0 && RETRY_CODES.has(code) && to.publishes.hasInFlight(r)) {
    to.retryLater(err)
    return
  }
  if (r !== 0 && RENUMBER_CODES.has(code) && to.publishes.onRefused(r, err, true)) return
  if (r !== 0 && code === ErrorCode.DUPLICATE_OUTSIDE_WINDOW && to.publishes.onRefused(r, err, false)) return
  // GOING_AWAY, SLOW_CONSUMER, OVERLOADED...: the server closes and the client
  // reconnects and resumes by itself; a planned shutdown is not worth a report.
  if (code !== ErrorCode.GOING_AWAY) to.report(err)
}
