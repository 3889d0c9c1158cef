// The relay's own lines for GET /metrics, after the gateway's: what it holds
// for its clients and what it asked of its upstream.

import { PrometheusText } from '../gateway/prometheus-text.js'
import type { RelayEngine } from './relay-engine.js'

export function relayMetricsText(r: RelayEngine): string {
  const t = new PrometheusText()
  t.single('ordo_relay_upstream_connected', 'gauge', '1 while the control connection to the upstream is up.', r.control.ready ? 1 : 0)
  t.single('ordo_relay_upstream_connects_total', 'counter', 'Control connections made to the upstream (1 + reconnects).', r.control.connects)
  t.single('ordo_relay_interests', 'gauge', 'Distinct (groups, tentative) interests, each one upstream subscription.', r.interestCount)
  t.single('ordo_relay_cache_bytes', 'gauge', 'Bytes of Deliver frames held for resumes.', r.cachedBytes)
  t.single('ordo_relay_cache_limit_bytes', 'gauge', 'The cache budget (--cache-bytes).', r.o.cacheBytes)
  t.single('ordo_relay_frames_in_total', 'counter', 'Deliver frames received from the upstream.', r.stats.framesIn)
  t.single('ordo_relay_messages_in_total', 'counter', 'Messages received from the upstream.', r.stats.messagesIn)
  t.single('ordo_relay_upstream_fetches_total', 'counter', 'Resumes from before the cache, served by a fetch from the upstream.', r.stats.fetches)
  t.single('ordo_relay_evicted_frames_total', 'counter', 'Frames dropped from the cache to stay within its budget.', r.stats.evictedFrames)
  t.single('ordo_relay_publisher_links', 'gauge', 'Upstream connections of clients that publish through the relay.', r.publisherLinkCount)
  return t.toString()
}
