// Shared helpers for the pipeline tests: temp dirs, a seeded PRNG, a subscriber that
// copies what it sees (batches are valid only during the handler call).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DeliverBatch, Engine } from '../../../engine/index.js'

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ordo-pipeline-${tag}-`))
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

export function pickSeed(): number {
  const env = process.env.ORDO_SEED
  return env !== undefined ? Number(env) : (Math.random() * 2 ** 31) >>> 0
}

/** mulberry32: small, seedable, good enough to pick test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Seen {
  gsn: number
  publisher: number
  pseq: number
  groups: number[]
  gseqs: number[]
  payload: Buffer
}

/** Copies every delivered message out of the batch cursor. */
export function collect(into: Seen[]): (b: DeliverBatch) => void {
  return (b) => {
    while (b.next()) {
      const groups: number[] = []
      const gseqs: number[] = []
      for (let i = 0; i < b.groupCount; i++) {
        groups.push(b.group(i))
        gseqs.push(b.gseqNumber(i))
      }
      into.push({ gsn: b.gsnNumber, publisher: b.publisherNumber, pseq: b.pseqNumber, groups, gseqs, payload: Buffer.from(b.payload()) })
    }
  }
}

/** Poll until cond() holds; throws with what() after timeoutMs. */
export async function until(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

export function gsns(s: readonly Seen[]): number[] {
  return s.map((m) => m.gsn)
}

export type { Engine }
