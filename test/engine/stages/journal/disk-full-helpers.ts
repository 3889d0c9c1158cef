// Shared pieces of the disk-full and I/O-fault tests of the running engine: publishing in
// windows until the journal refuses, remembering every acknowledged (gsn, payload), and
// reading the whole journal back through a reopened engine.

import assert from 'node:assert/strict'
import { Engine, type EngineOptions } from '../../../../engine/index.js'
import { until } from '../../pipeline/helpers.js'

/** Small rings, the default segment size (256 MiB: on a few MiB of disk the device fills
 *  in the middle of a segment, as it would for a user). */
export const SMALL_ENGINE: EngineOptions = {
  maxPayload: 4096,
  ingressRingBytes: 256 * 1024,
  sequencedRingBytes: 1024 * 1024,
  batchMaxBytes: 64 * 1024,
}

export interface Outcome {
  /** gsn (as a decimal string) -> payload of every acknowledged publish. */
  acked: Map<string, string>
  /** Every refusal, in the order they settled. */
  refused: unknown[]
  /** Publishes that got no answer within the window's deadline. */
  unanswered: number
}

export function newOutcome(): Outcome {
  return { acked: new Map(), refused: [], unanswered: 0 }
}

let serial = 0
/** A payload nobody else has: 40-1000 bytes, its text names it. */
export function uniquePayload(tag: string): string {
  const n = serial++
  return `${tag}-${n}-`.padEnd(40 + ((n * 7919) % 960), String.fromCharCode(97 + (n % 26)))
}

/**
 * Publishes `window` messages at once and waits up to deadlineMs for every answer. An ack
 * is recorded with its payload; a gsn acknowledged twice fails the test at once.
 */
export async function publishWindow(engine: Engine, group: string, window: number, tag: string, out: Outcome, deadlineMs = 15_000): Promise<number> {
  const payloads: string[] = []
  const answers: Promise<void>[] = []
  let settled = 0
  let refusedHere = 0
  for (let i = 0; i < window; i++) {
    const p = uniquePayload(tag)
    payloads.push(p)
    answers.push(
      engine.publish([group], p).then(
        (r) => {
          settled++
          const key = String(r.gsn)
          const before = out.acked.get(key)
          assert.equal(before, undefined, `gsn ${key} acknowledged twice: first for ${before}, now for ${p}`)
          out.acked.set(key, p)
        },
        (err: unknown) => {
          settled++
          refusedHere++
          out.refused.push(err)
        },
      ),
    )
  }
  let timer: NodeJS.Timeout | undefined
  await Promise.race([Promise.all(answers), new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)))])
  clearTimeout(timer)
  out.unanswered += window - settled
  return refusedHere
}

/** Publishes windows until a refusal (the disk is full) or maxWindows; returns windows published. */
export async function publishUntilRefused(engine: Engine, group: string, tag: string, out: Outcome, maxWindows = 4000): Promise<number> {
  for (let w = 0; w < maxWindows; w++) {
    if ((await publishWindow(engine, group, 64, tag, out)) > 0) return w + 1
    if (out.unanswered > 0) return w + 1
  }
  return maxWindows
}

/** Every message of `group` from gsn 1, through a subscription of the engine: gsn -> payload. */
export async function readBack(engine: Engine, group: string, expectAtLeast: number): Promise<Map<string, string>> {
  const seen = new Map<string, string>()
  const sub = engine.subscribe([group], { fromGsn: 1n }, (b) => {
    while (b.next()) seen.set(String(b.gsn), Buffer.from(b.payload()).toString())
  })
  await sub.live
  await until(() => seen.size >= expectAtLeast, 15_000, () => `read back ${seen.size} messages, expected at least ${expectAtLeast}`).catch(() => {})
  sub.close()
  return seen
}

/** Asserts that every acknowledged gsn is in `seen` with its payload. */
export function assertNothingAckedLost(acked: Map<string, string>, seen: Map<string, string>, where: string): void {
  let missing = 0
  let wrong = 0
  let example = ''
  for (const [gsn, payload] of acked) {
    const got = seen.get(gsn)
    if (got === undefined) missing++
    else if (got !== payload) wrong++
    if ((got === undefined || got !== payload) && example === '') example = `gsn=${gsn}: acked ${payload.slice(0, 30)}…, read ${got === undefined ? 'nothing' : got.slice(0, 30) + '…'}`
  }
  assert.equal(missing + wrong, 0, `${where}: ${missing} acknowledged messages missing and ${wrong} with other bytes out of ${acked.size} (${example})`)
}

export function maxGsn(acked: Map<string, string>): bigint {
  let m = 0n
  for (const k of acked.keys()) if (BigInt(k) > m) m = BigInt(k)
  return m
}

/** Resolves with the first successful publish's gsn, retrying refusals every 100 ms up to timeoutMs. */
export async function publishOnceAccepted(engine: Engine, group: string, payload: string, timeoutMs: number): Promise<{ gsn: bigint; refusals: number }> {
  const end = Date.now() + timeoutMs
  let refusals = 0
  let last: unknown = null
  while (Date.now() < end) {
    try {
      const r = await engine.publish([group], payload)
      return { gsn: r.gsn, refusals }
    } catch (err) {
      refusals++
      last = err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  throw new Error(`no publish accepted within ${timeoutMs} ms after ${refusals} refusals; last: ${String(last)}`)
}

export { Engine }
