// The gateway's metrics (and its engine's) in an embedder's prom-client registry:
// the same families as /metrics, less the process and Node.js ones, which
// prom-client's collectDefaultMetrics already provides under the same names.

import { engineMetricFamilies } from '../../engine/metric-families.js'
import { registerMetricFamilies, type PromRegistryLike } from '../../engine/prom-client-collector.js'
import { gatewayMetricFamilies } from '../metrics.js'
import type { GatewayServer } from '../server.js'

export function registerGatewayMetrics(registry: PromRegistryLike, server: GatewayServer): string[] {
  return registerMetricFamilies(registry, () => {
    const e = server.engineMetrics()
    return [...gatewayMetricFamilies(server.counters, server.gauges()), ...(e === null ? [] : engineMetricFamilies(e)), ...server.buildFamilies()]
  })
}
