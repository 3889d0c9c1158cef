// The two small files a cluster node keeps in its data directory, next to the journal:
//
//   <dataDir>/cluster/node-id    this data directory's identity (NodeClaim: a restart of the
//                                same node takes its own claim over at once)
//   <dataDir>/cluster/position   the highest gsn this node knows is committed in the cluster's
//                                log AND written to its journal (DUR). Written after DUR moved
//                                (write + rename). On start, everything in the journal above it
//                                is cut: a leader's tail the cluster may never have committed.
//                                A stale value only cuts more (re-read from the log); a missing
//                                file cuts the whole journal.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

export function clusterDir(dataDir: string): string {
  return join(dataDir, 'cluster')
}

/** This data directory's node id: the saved one, or a new one (saved by saveNodeId once the name is claimed). */
export function nodeIdOf(dataDir: string): string {
  try {
    const id = readFileSync(join(clusterDir(dataDir), 'node-id'), 'utf8').trim()
    if (/^[0-9a-f]{16}$/.test(id)) return id
  } catch {
    // first start on this directory
  }
  return randomBytes(8).toString('hex')
}

export function saveNodeId(dataDir: string, id: string): void {
  const dir = clusterDir(dataDir)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'node-id'), `${id}\n`)
}

/** The committed-and-written gsn saved last (0 when none). */
export function readPosition(dataDir: string): number {
  try {
    const n = Number(readFileSync(join(clusterDir(dataDir), 'position'), 'utf8').trim())
    return Number.isSafeInteger(n) && n >= 0 ? n : 0
  } catch {
    return 0
  }
}

export function writePosition(dataDir: string, gsn: number): void {
  const dir = clusterDir(dataDir)
  mkdirSync(dir, { recursive: true })
  const tmp = join(dir, 'position.tmp')
  writeFileSync(tmp, `${gsn}\n`)
  renameSync(tmp, join(dir, 'position'))
}
