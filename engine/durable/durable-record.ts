// A durable subscription as the engine holds it in memory: what is stored
// (durable-file.ts) plus the consumer attached now, if any.

import type { StoredDurable } from './durable-file.js'
import type { DurableConsumer } from './durable-consumer.js'

export interface DurableRecord extends StoredDurable {
  /** The consumer attached now (one per name: acknowledgements are cumulative). */
  consumer: DurableConsumer | null
  /** Acknowledged gsn that the last completed save put on disk. */
  savedGsn: number
}

/** What list/inspect show (admin API, CLI, embedding API). */
export interface DurableInfo {
  identity: string
  name: string
  groups: number[]
  ackPolicy: string
  ackWaitMs: number
  /** Everything up to it is acknowledged. */
  ackedGsn: number
  /** Acknowledged gsn that is on disk (ackedGsn once the next save ran). */
  savedGsn: number
  createdMs: number
  lastActiveMs: number
  /** Whether a consumer is attached now. */
  attached: boolean
  /** Highest gsn delivered to the attached consumer (0: none attached). */
  deliveredGsn: number
  redeliveries: number
  /** When idle (no consumer), the time it expires (ms since the epoch); null while attached. */
  expiresMs: number | null
}

/** Key of a durable subscription: names are per identity (token subject). */
export function durableKey(identity: string, name: string): string {
  return `${identity}\u0000${name}`
}
