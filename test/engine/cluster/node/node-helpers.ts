// Helpers for cluster-node tests: temp data dirs, waiting for a condition, reading a node's journal.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openLog } from '../../../../engine/cluster/index.js'
import type { LocalNatsCluster } from '../helpers.js'

export function tempDataDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ordo-node-${tag}-`))
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export { type JournalRecord, type JournalMessage, journalRecords, journalMessages, firstJournalDifference, densityProblems } from '../../../../tools/cluster/journal-check.js'

/**
 * Which nats-server each of three nodes should use so that freezing the first node's server cuts that node
 * off while the others can take over at once: the log stream (created here) has its leader on another
 * server. (Frozen with the stream leader, the others wait seconds for nats' own election, and the frozen
 * node's client meanwhile reconnects to another server and commits what it had: a valid outcome, but not
 * a failover.) Returns server indexes [first node, second, third].
 */
export async function serversAwayFromStreamLeader(nats: LocalNatsCluster, cluster: string): Promise<[number, number, number]> {
  const log = await openLog({ urls: nats.urls, cluster, connectTimeoutMs: 2000 })
  try {
    const info = await log.jsm.streams.info(log.names.logStream)
    const leader = nats.servers().findIndex((s) => s.name === info.cluster?.leader)
    const l = leader < 0 ? 0 : leader
    return [(l + 1) % 3, l, (l + 2) % 3]
  } finally {
    await log.close()
  }
}
