// The relay's own metric families for GET /metrics, after the gateway's: what it
// holds for its clients and what it asked of its upstream.

import { counter, gauge, type MetricFamily } from '../../engine/metric-family.js'
import type { RelayEngine } from './relay-engine.js'

export function relayMetricFamilies(r: RelayEngine): MetricFamily[] {
  return [
    gauge('ordo_relay_upstream_connected', '1 while the control connection to the upstream is up.', r.control.ready ? 1 : 0),
    counter('ordo_relay_upstream_connects_total', 'Control connections made to the upstream (1 + reconnects).', r.control.connects),
    gauge('ordo_relay_interests', 'Distinct (groups, tentative) interests, each one upstream subscription.', r.interestCount),
    gauge('ordo_relay_cache_bytes', 'Bytes of Deliver frames held for resumes.', r.cachedBytes),
    gauge('ordo_relay_cache_limit_bytes', 'The cache budget (--cache-bytes).', r.o.cacheBytes),
    counter('ordo_relay_frames_in_total', 'Deliver frames received from the upstream.', r.stats.framesIn),
    counter('ordo_relay_messages_in_total', 'Messages received from the upstream.', r.stats.messagesIn),
    counter('ordo_relay_upstream_fetches_total', 'Resumes from before the cache, served by a fetch from the upstream.', r.upstream.fetches),
    counter('ordo_relay_evicted_frames_total', 'Frames dropped from the cache to stay within its budget.', r.stats.evictedFrames),
    gauge('ordo_relay_publisher_links', 'Upstream connections of clients that publish through the relay.', r.publisherLinkCount),
  ]
}
