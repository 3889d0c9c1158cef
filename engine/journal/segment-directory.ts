// Which segments a journal directory holds, and which one contains a gsn.

import * as path from 'node:path'
import type { FileIo } from './file-io.js'
import { parseSegmentFileName, segmentFileName } from './segment-descriptor.js'

/** First gsns of the segment files in `dir`, ascending. Other files are ignored. */
export function listSegments(io: FileIo, dir: string): number[] {
  const firsts: number[] = []
  for (const name of io.readdirSync(dir)) {
    const first = parseSegmentFileName(name)
    if (first > 0) firsts.push(first)
  }
  firsts.sort((a, b) => a - b)
  return firsts
}

/** Index of the last segment whose first gsn is <= gsn, or -1 (binary search). */
export function segmentContaining(firsts: readonly number[], gsn: number): number {
  let lo = 0
  let hi = firsts.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (firsts[mid]! <= gsn) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}

export function segmentPath(dir: string, firstGsn: number): string {
  return path.join(dir, segmentFileName(firstGsn))
}
