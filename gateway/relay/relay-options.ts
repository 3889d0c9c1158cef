// Options of a relay (relay/relay-engine.ts), each with its default, and the
// relay's named error.

import { createHash } from 'node:crypto'
import { SILENT_LOGGER, type Logger } from '../../engine/logger.js'

export interface RelayOptions {
  /** Upstream WebSocket URLs (a gateway, a cluster's nodes, or relays); tried in turn. */
  upstream: readonly string[]
  /** The relay's own token for its control link (it must allow subscribing to what the relay's clients may). '' in open mode. */
  token: string
  /** Bytes of Deliver frames the relay keeps for resumes, over all interests. Default 64 MiB. */
  cacheBytes: number
  /** How long an interest without clients keeps its upstream subscription and cache. Default 30 s. */
  lingerMs: number
  /** Unanswered publish bytes per publisher above which the gateway holds that publisher's frames. Default 8 MiB. */
  publishQueueBytes: number
  /** How long open() waits for the upstream's Welcome. Default 10 s. */
  connectTimeoutMs: number
  /** Where the relay keeps state files (durable subscriptions of its clients); null: memory only. Default null. */
  dataDir: string | null
  /** The relay's name upstream (its durable subscriptions there are relay.<name>.<groups>). Default 'relay'. */
  name: string
  /** A client's durable subscription with no consumer for this long is deleted. Default 7 days. */
  durableIdleExpiryMs: number
  /** Most durable subscriptions one identity may hold at the relay. Default 1000. */
  maxDurablesPerIdentity: number
  logger: Logger
}

export const DEFAULT_RELAY_OPTIONS = {
  token: '',
  cacheBytes: 64 * 1024 * 1024,
  lingerMs: 30_000,
  publishQueueBytes: 8 * 1024 * 1024,
  connectTimeoutMs: 10_000,
  dataDir: null,
  name: 'relay',
  durableIdleExpiryMs: 7 * 24 * 3600_000,
  maxDurablesPerIdentity: 1000,
  logger: SILENT_LOGGER as Logger,
} as const

export function relayOptions(o: Partial<RelayOptions> & { upstream: readonly string[] }): RelayOptions {
  if (o.upstream.length === 0) throw new RelayError('NO_UPSTREAM', 'a relay needs at least one upstream URL: --upstream ws://HOST:PORT/')
  for (const u of o.upstream) {
    if (!/^wss?:\/\/[^/]+/.test(u)) throw new RelayError('BAD_UPSTREAM', `upstream URL must be ws://HOST:PORT/ or wss://…: url=${u}`)
  }
  return { ...DEFAULT_RELAY_OPTIONS, ...o }
}

/**
 * Name of a relay's durable subscription upstream for an interest: relay.<relay>.<group ids>
 * (a digest of the ids when they would not fit the 255 bytes a name may have).
 */
export function upstreamDurableName(relay: string, groups: readonly number[]): string {
  const plain = `relay.${relay}.${groups.join('-')}`
  if (plain.length <= 255) return plain
  return `relay.${relay}.h${createHash('sha256').update(groups.join(',')).digest('hex').slice(0, 32)}`
}

export type RelayErrorCode = 'NO_UPSTREAM' | 'BAD_UPSTREAM' | 'UPSTREAM_UNREACHABLE' | 'GROUP_NOT_CREATED'

export class RelayError extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'RelayError'
  }
}
