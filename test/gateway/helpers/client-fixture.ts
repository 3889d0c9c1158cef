// Shared pieces of the client-library tests: a gateway server on a free port with
// the in-memory engine (a real uWS server, a model engine), tokens, and waiting.
import { mintToken } from '../../../gateway/auth/token.js'
import type { DeliverBatch } from '../../../gateway/client/index.js'
import { GatewayServer } from '../../../gateway/server.js'
import { MemoryEngine } from './memory-engine.js'

export const SECRET = 'test-secret'

export async function memoryServer(): Promise<GatewayServer> {
  return GatewayServer.start(new MemoryEngine(), { port: 0, secret: SECRET })
}

/** A token for everything (or the given grants), optionally expiring, optionally for a subject (`sub`). */
export function token(o: { publish?: string[]; subscribe?: string[]; ttlMs?: number; sub?: string } = {}): string {
  return mintToken(SECRET, { publish: o.publish ?? ['>'], subscribe: o.subscribe ?? ['>'], ttlMs: o.ttlMs, sub: o.sub })
}

export interface Got {
  gsn: bigint
  text: string
}

/** A handler that records gsn and text of every message. */
export function collect(into: Got[]): (b: DeliverBatch) => void {
  return (b) => {
    while (b.next()) into.push({ gsn: b.gsn, text: b.text() })
  }
}

export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
