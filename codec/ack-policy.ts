// How a durable subscription's acknowledged gsn moves (Subscribe.ack_policy). The numbers
// are part of the protocol, like error codes: never reused or renumbered.
//   none        an ordinary subscription (no name, nothing stored)
//   explicit    the consumer sends Ack {subscription, gsn} (cumulative); what was delivered
//               and not acknowledged within ack_wait_ms is delivered again
//   onDelivery  the server acknowledges each Deliver frame once it handed it to the
//               connection: at-most-once for fire-and-forget consumers
// No node: imports: the client library (browsers too) uses this table.

export const AckPolicy = { none: 0, explicit: 1, onDelivery: 2 } as const
export type AckPolicy = (typeof AckPolicy)[keyof typeof AckPolicy]

export const ACK_POLICY_NAMES: Readonly<Record<AckPolicy, string>> = { 0: 'none', 1: 'explicit', 2: 'on-delivery' }

/** Redelivery timeout of explicit acks when Subscribe.ack_wait_ms is 0. */
export const DEFAULT_ACK_WAIT_MS = 30_000

/** Whether a number is an AckPolicy this build knows. */
export function isAckPolicy(v: number): v is AckPolicy {
  return v === AckPolicy.none || v === AckPolicy.explicit || v === AckPolicy.onDelivery
}
