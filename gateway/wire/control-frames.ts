// Control frames the server sends (Welcome, Groups, Subscribed, Heartbeat,
// Error). They are rare next to Publish/Deliver, so they are built with codec's
// Builder-based helpers; only the numbers cross into bigint here.

import { encodeError, encodeGroups, encodeHeartbeat, encodeSubscribed, encodeWelcome } from '../../codec/index.js'

export function errorFrame(code: number, message: string, ref: number, subscription = 0): Uint8Array {
  // Error.message is bounded by the verifier's string limit on the client side.
  const text = message.length > 4096 ? message.slice(0, 4093) + '...' : message
  return subscription === 0 ? encodeError({ code, message: text, ref: BigInt(ref) }) : encodeError({ code, message: text, ref: BigInt(ref), subscription })
}

export function welcomeFrame(publisher: number, maxPayload: number, maxGroups: number, durableGsn: number): Uint8Array {
  return encodeWelcome({ publisher: BigInt(publisher), maxPayload, maxGroups, durableGsn: BigInt(durableGsn) })
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
