// `ordo start --cluster NATS_URLS --node NAME`: a cluster node (engine/cluster/node/) and its
// gateway, in the foreground. A node that is deposed (another node took over while it was
// frozen or cut off) closes its gateway and engine and starts again on the same data directory
// and port: the new start cuts what the cluster did not commit and follows. SIGTERM / SIGINT
// stop it gracefully (a leader first waits, bounded, for its entries in flight to commit).

import { onStopSignals } from './stop-signals.js'
import { ClusterNode, type ClusterNodeOptions } from '../../engine/cluster/node/cluster-node.js'
import { GatewayServer, type GatewayOptions } from '../../gateway/server.js'
import type { ServerLogger } from '../../gateway/log/create-logger.js'
import { ORDO_VERSION } from '../../engine/version.js'
import { CommandError } from './common.js'

export interface ClusterStartOptions {
  readonly natsUrls: string[]
  readonly cluster: string
  readonly node: string
  readonly url: string
  readonly dataDir: string
  readonly failoverTimeoutMs: number
  readonly engine: ClusterNodeOptions['engine']
  readonly gateway: GatewayOptions
  readonly log: ServerLogger
}

/** Pause before starting again after a deposition (the new leader is settling in). */
const RESTART_PAUSE_MS = 200

export async function runClusterStart(o: ClusterStartOptions): Promise<number> {
  const log = o.log
  log.info({ event: 'start', version: ORDO_VERSION, node: process.version, cluster: o.cluster, nodeName: o.node, nats: o.natsUrls, url: o.url, dataDir: o.dataDir }, `ordo ${ORDO_VERSION} starting as cluster node ${o.node}`)
  let stopRequested: (() => void) | null = null
  const stopped = new Promise<void>((r) => (stopRequested = r))
  let stopping = false
  onStopSignals(
    (signal) => {
      stopping = true
      log.info({ event: 'shutdown', signal }, `${signal}: shutting down`)
      stopRequested!()
    },
    (signal) => {
      log.warn({ event: 'shutdown', signal }, `${signal} again: exiting without a clean shutdown`)
      process.exit(130)
    },
  )
  for (let run = 0; ; run++) {
    let node: ClusterNode
    try {
      node = await ClusterNode.start({
        natsUrls: o.natsUrls, cluster: o.cluster, node: o.node, url: o.url, dataDir: o.dataDir, failoverTimeoutMs: o.failoverTimeoutMs,
        engine: o.engine, onEvent: (event, fields) => log.info({ event, ...fields }, `cluster: ${event}`),
      })
    } catch (err) {
      const e = err as { code?: string; message?: string }
      log.fatal({ event: 'cluster_join_failed', code: e.code, err: e.message ?? String(err) }, 'cannot join the cluster')
      throw new CommandError(e.code ?? 'CLUSTER_JOIN_FAILED', `cannot join cluster ${o.cluster} as ${o.node}: ${e.message ?? String(err)}`)
    }
    let server: GatewayServer
    try {
      server = await GatewayServer.start(node.engine.port, o.gateway)
    } catch (err) {
      await node.close().catch(() => {})
      log.fatal({ event: 'listen_failed', err: err instanceof Error ? err.message : String(err) }, 'cannot listen')
      throw new CommandError('LISTEN_FAILED', err instanceof Error ? err.message : String(err))
    }
    log.info({ event: 'listening', url: server.url, port: server.port, transport: server.transportName, clusterUrl: o.url, run }, `listening on ${server.url}`)
    log.info({}, 'ready')
    const end = await Promise.race([node.ended, stopped.then(() => 'stop' as const)])
    if (end === 'stop' || stopping) {
      await server.close({ closeEngine: () => node.close(), timeoutMs: 5000 }).catch(() => {})
      log.info({ event: 'stopped', committedGsn: node.engine.port.durableGsn }, `stopped; committed_gsn=${node.engine.port.durableGsn}`)
      setTimeout(() => process.exit(), 2000).unref()
      return 0
    }
    const reason = node.endReason?.message ?? end
    await server.close({ closeEngine: () => node.close(), timeoutMs: 1000 }).catch(() => {})
    if (end === 'failed') {
      log.fatal({ event: 'cluster_node_failed', reason }, `cluster node stopped: ${reason}`)
      throw new CommandError('CLUSTER_NODE_FAILED', `cluster node ${o.node} stopped: ${reason}`)
    }
    log.warn({ event: 'restarting', reason }, `deposed (${reason}): cutting what the cluster did not commit and following`)
    await new Promise((r) => setTimeout(r, RESTART_PAUSE_MS))
  }
}
