// Three in-process cluster nodes, each with its gateway and each on its own nats-server, the first one
// leading, on a server away from the log stream's leader: freezing that server (SIGSTOP) cuts the leader
// off while the other two can take over at once (serversAwayFromStreamLeader).

import fs from 'node:fs'
import { ClusterNode } from '../../../../engine/cluster/node/cluster-node.js'
import { GatewayServer } from '../../../../gateway/server.js'
import type { DeliverBatch } from '../../../../gateway/client/index.js'
import type { LocalNatsCluster } from '../helpers.js'
import { serversAwayFromStreamLeader, tempDataDir, waitFor } from './node-helpers.js'

export interface Seen {
  gsn: number
  text: string
}

/** A subscription handler that records gsn and text of each message. */
export function record(into: Seen[]): (batch: DeliverBatch) => void {
  return (batch) => {
    while (batch.next()) into.push({ gsn: Number(batch.gsn), text: batch.text() })
  }
}

export interface FreezableCluster {
  /** [a (the leader), b, c] and their gateways, in the same order. */
  readonly nodes: [ClusterNode, ClusterNode, ClusterNode]
  readonly servers: GatewayServer[]
  /** SIGSTOP / SIGCONT of the leader's nats-server. */
  freeze(): Promise<void>
  thaw(): Promise<void>
  /** Thaws if frozen, closes gateways and nodes, removes the data directories. */
  close(): Promise<void>
}

export async function startFreezableCluster(nats: LocalNatsCluster, cluster: string, secret: string): Promise<FreezableCluster> {
  const names = ['a', 'b', 'c']
  const dirs = names.map((n) => tempDataDir(`${cluster}-${n}`))
  const nodes: ClusterNode[] = []
  const servers: GatewayServer[] = []
  let frozen = false
  const on = await serversAwayFromStreamLeader(nats, cluster)
  const close = async (): Promise<void> => {
    if (frozen) await nats.kill(on[0], 'SIGCONT').catch(() => {})
    frozen = false
    for (const s of servers) s.closeNow()
    for (const n of nodes) await n.close().catch(() => {})
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  }
  try {
    for (const [i, name] of names.entries()) {
      nodes.push(await ClusterNode.start({ natsUrls: [nats.urls[on[i]!]!], cluster, node: name, url: `ws://127.0.0.1:1/${name}`, dataDir: dirs[i]!, failoverTimeoutMs: 800, staggerMs: 300 }))
      if (i === 0) await waitFor('a leads', () => nodes[0]!.role === 'leader')
    }
    for (const n of nodes) servers.push(await GatewayServer.start(n.engine.port, { port: 0, secret }))
  } catch (e) {
    await close()
    throw e
  }
  return {
    nodes: nodes as [ClusterNode, ClusterNode, ClusterNode],
    servers,
    async freeze() {
      await nats.kill(on[0], 'SIGSTOP')
      frozen = true
    },
    async thaw() {
      await nats.kill(on[0], 'SIGCONT')
      frozen = false
    },
    close,
  }
}
