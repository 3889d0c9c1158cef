// How much the journal holds on disk, read on the main thread for metrics and the
// admin API: one readdir and a stat per file, again only when the journal changed
// (the caller passes a change stamp: bytes appended and segments removed) or a second
// went by, so a burst of scrapes does not turn into a stream of syscalls. Segments are
// few (256 MiB each by default), so a reading stays cheap.

import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseSegmentFileName } from './segment-descriptor.js'

export interface JournalUsage {
  bytes: number
  segments: number
  oldestGsn: number
}

const EMPTY: JournalUsage = Object.freeze({ bytes: 0, segments: 0, oldestGsn: 0 })

export class JournalUsageReader {
  private last: JournalUsage = EMPTY
  private readAt = 0
  private stamp = -1

  constructor(
    private readonly dir: string,
    private readonly maxAgeMs = 1000,
  ) {}

  /** `stamp` changes whenever the journal did (e.g. appended + removed bytes). */
  read(stamp: number, now = Date.now()): JournalUsage {
    if (stamp === this.stamp && now - this.readAt < this.maxAgeMs) return this.last
    this.readAt = now
    this.stamp = stamp
    let bytes = 0
    let segments = 0
    let oldest = 0
    let names: string[]
    try {
      names = fs.readdirSync(this.dir)
    } catch {
      return (this.last = EMPTY)
    }
    for (const name of names) {
      let size = 0
      try {
        size = fs.statSync(path.join(this.dir, name)).size
      } catch {
        continue // removed by retention between the listing and the stat
      }
      bytes += size
      const first = parseSegmentFileName(name)
      if (first > 0) {
        segments++
        if (oldest === 0 || first < oldest) oldest = first
      }
    }
    this.last = { bytes, segments, oldestGsn: oldest }
    return this.last
  }
}
