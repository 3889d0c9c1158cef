// Control frames the server sends (Welcome, Groups, Subscribed, Heartbeat,
// Error). They are rare next to Publish/Deliver, so they are built with codec's
// Builder-based helpers; only the numbers cross into bigint here.

import { encodeError, encodeGroups, encodeHeartbeat, encodeSubscribed, encodeWelcome, encodeWithdrawn } from '../../codec/index.js'

/**
 * subscription: the subscription the error is about (0: none); leaderUrl: with NOT_LEADER, where the leader is
 * ('' while unknown).
 */
export function errorFrame(code: number, message: string, ref: number, subscription = 0, leaderUrl?: string): Uint8Array {
  // Error.message is bounded by the verifier's string limit on the client side.
  const text = message.length > 4096 ? message.slice(0, 4093) + '...' : message
  return encodeError({ code, message: text, ref: BigInt(ref), ...(subscription === 0 ? {} : { subscription }), ...(leaderUrl === undefined ? {} : { leaderUrl }) })
}

/** cluster: a cluster node's name, role, leader URL and epoch (absent on a single node). */
export function welcomeFrame(publisher: number, maxPayload: number, maxGroups: number, durableGsn: number, cluster?: { node: string; role: string; leaderUrl: string; epoch: number }): Uint8Array {
  const base = { publisher: BigInt(publisher), maxPayload, maxGroups, durableGsn: BigInt(durableGsn) }
  return encodeWelcome(cluster === undefined ? base : { ...base, node: cluster.node, role: cluster.role, leaderUrl: cluster.leaderUrl, epoch: BigInt(cluster.epoch) })
}

export function groupsFrame(names: string[], ids: number[]): Uint8Array {
  return encodeGroups({ names, ids })
}

/** ackedGsn: a durable subscription's acknowledged gsn (omitted for ordinary ones). */
export function subscribedFrame(id: number, nextGsn: number, ackedGsn?: number): Uint8Array {
  return encodeSubscribed(ackedGsn === undefined ? { id, nextGsn: BigInt(nextGsn) } : { id, nextGsn: BigInt(nextGsn), ackedGsn: BigInt(ackedGsn) })
}

/** stableGsn: the stability watermark, where the engine keeps one. */
export function heartbeatFrame(durableGsn: number, stableGsn?: number): Uint8Array {
  return encodeHeartbeat(stableGsn === undefined ? { durableGsn: BigInt(durableGsn) } : { durableGsn: BigInt(durableGsn), stableGsn: BigInt(stableGsn) })
}

/** Clusters: gsns [fromGsn, toGsn] a tentative subscription was shown were withdrawn by a failover. */
export function withdrawnFrame(subscription: number, fromGsn: number, toGsn: number): Uint8Array {
  return encodeWithdrawn({ subscription, fromGsn: BigInt(fromGsn), toGsn: BigInt(toGsn) })
}
