// A relay server: a RelayEngine connected upstream and a GatewayServer in front
// of it, on its own port, with its own token secret.

import { GatewayServer, type GatewayOptions } from '../server.js'
import { RelayEngine } from './relay-engine.js'
import { relayMetricFamilies } from './relay-metrics.js'
import { relayOptions, type RelayOptions } from './relay-options.js'

export interface StartRelayOptions extends Partial<RelayOptions> {
  upstream: readonly string[]
  /** The gateway in front: host, port, secret (check clients' tokens), limits, log. */
  gateway?: GatewayOptions
}

export interface RelayServer {
  readonly engine: RelayEngine
  readonly gateway: GatewayServer
  close(): Promise<void>
}

export async function startRelay(o: StartRelayOptions): Promise<RelayServer> {
  const engine = await RelayEngine.open(relayOptions(o))
  let gateway: GatewayServer
  try {
    gateway = await GatewayServer.start(engine, { ...o.gateway, extraMetrics: () => relayMetricFamilies(engine) })
  } catch (err) {
    await engine.close()
    throw err
  }
  return {
    engine,
    gateway,
    close: () => gateway.close({ closeEngine: () => engine.close() }),
  }
}
