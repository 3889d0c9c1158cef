// /metrics families of a cluster node (none on a single node): role, epoch, committed gsn,
// replication lag, failovers and the append → JetStream ack latency histogram.

import { counter, gauge, type MetricFamily } from '../../engine/metric-family.js'
import type { ClusterStatus } from '../../engine/engine-port.js'

const ROLES = ['leader', 'follower', 'candidate', 'deposed', 'stopped'] as const

export function clusterFamilies(s: ClusterStatus | null): MetricFamily[] {
  if (s === null) return []
  const out: MetricFamily[] = [
    {
      name: 'ordo_cluster_role', help: 'This node\'s role in its cluster: 1 for the role it has, 0 for the others.', type: 'gauge',
      samples: ROLES.map((r) => ({ value: s.role === r ? 1 : 0, labels: { role: r, node: s.node } })),
    },
    gauge('ordo_cluster_epoch', 'Epoch of the newest leadership this node has read (its own when it leads).', s.epoch),
    gauge('ordo_cluster_committed_gsn', 'Highest gsn committed in the cluster\'s log and written here: acks and deliveries stop at it.', s.committedGsn),
    gauge('ordo_cluster_replication_lag_messages', 'Leader: messages sequenced, not yet committed. Follower: messages in the log, not yet applied here.', s.lagGsns ?? 0),
    counter('ordo_cluster_failovers_total', 'Times this node took over leadership.', s.failovers ?? 0),
  ]
  const h = s.appendLatency
  if (h !== undefined) {
    out.push({ name: 'ordo_cluster_append_latency_seconds', help: 'Leader: time from handing an entry to the log to its JetStream acknowledgement.', type: 'histogram', series: [{ buckets: h.buckets, sum: h.sum, count: h.count }] })
  }
  return out
}
