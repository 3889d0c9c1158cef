// What the comparison prints and records: the fairness statement, the table, the target ratios (each
// marked met / short against its target), ordo's figures as fractions of the machine's limits, and the one-line JSON.
// Pure functions of the results: run-compare.ts measures, this module only words and shapes.

import { blobLength } from '../../codec/index.js'
import type { LimitFigures } from './limits.js'
import { formatCount, formatMicros } from './svg-chart.js'
import type { SystemResult, Workload } from './workload.js'

export interface Ratio {
  name: string
  /** The measured ratio (or fraction), null when a side was not measured. */
  value: number | null
  /** The target, in words ("≥ 20x"), and whether the value meets it (null: not measurable). */
  target: string
  met: boolean | null
  detail: string
}

const find = (rows: readonly SystemResult[], key: string): SystemResult | undefined => rows.find((r) => r.key === key)
/** The rate a peer row is judged by: acknowledged (or stored) per second, or published when it has no acks. */
const peerRate = (r: SystemResult): number => r.throughput.acked_per_s ?? r.throughput.published_per_s
const x = (v: number): string => (v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`)
const pct = (v: number): string => `${(v * 100).toFixed(1)} %`

export function fairnessStatement(rows: readonly SystemResult[]): string[] {
  const out = [
    'fairness:',
    '  - NATS JetStream (file store, fsync every 2 min by default) and Redis (appendonly, appendfsync everysec) acknowledge',
    '    before their data is on stable storage; ordo\'s `async` mode does the same (ack after write to the OS, fsync every',
    '    20 ms). "ordo ws fsync" is printed beside it: every ack there means fsynced (group commit), a stronger guarantee',
    '    than any peer row gives.',
    '  - clients: the peers run through their own client libraries, and so do the "ordo client" rows (`ordo/client`:',
    '    publish() per message, publishBatch, `ordo publish` from stdin); those are the rows the ratios below compare.',
    '    The "ordo ws ... server ceiling" rows send pre-built Publish frames with their pseqs patched in place: they show',
    '    what the server takes, not what a user of the client library gets.',
    '  - every system runs the same workload: same publishers, subscribers (separate processes), payload size and groups;',
    '    ordo rows run more messages (a rate needs a run long enough to be sustained; see "messages" per row).',
    '  - latency: every system at the same offered rate, publishers paced by intended send time (coordinated omission',
    '    corrected), after the same warm-up.',
    '  - how each client was tuned:',
  ]
  for (const r of rows) for (const n of r.notes) out.push(`      ${r.label}: ${n}`)
  return out
}

function pad(cells: string[], widths: number[], right: boolean[]): string {
  return cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
}

export function formatTable(rows: readonly SystemResult[]): string[] {
  const head = ['system', 'durability', 'messages', 'published/s', 'acked/s', 'delivered/s', 'p50', 'p99', 'p99.9', 'server CPU s', 'peak RSS MiB', 'check']
  const right = [false, false, true, true, true, true, true, true, true, true, true, false]
  const body = rows.map((r) => [
    r.label,
    r.durability,
    formatCount(r.throughput.messages),
    formatCount(r.throughput.published_per_s),
    r.throughput.acked_per_s === null ? '-' : formatCount(r.throughput.acked_per_s),
    formatCount(r.throughput.delivered_per_s),
    r.latency === null ? '-' : formatMicros(r.latency.p50_us),
    r.latency === null ? '-' : formatMicros(r.latency.p99_us),
    r.latency === null ? '-' : formatMicros(r.latency.p999_us),
    r.server.cpu_s === null ? '-' : r.server.cpu_s.toFixed(1),
    r.server.peak_rss_bytes === null ? '-' : (r.server.peak_rss_bytes / 2 ** 20).toFixed(0),
    r.check.ok ? 'ok' : 'FAILED',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = widths.map((w) => '-'.repeat(w)).join('  ')
  return [pad(head, widths, right), line, ...body.map((b) => pad(b, widths, right)), line]
}

export function ratios(rows: readonly SystemResult[], limits: LimitFigures | null, w: Workload): Ratio[] {
  const out: Ratio[] = []
  const ws = find(rows, 'ordo-ws-async')
  const wsF = find(rows, 'ordo-ws-fsync')
  const emb = find(rows, 'ordo-embedded')
  const client = find(rows, 'ordo-client-publish')
  // ordo through its client library against each peer through its own: per-call acknowledged publish against
  // per-call acknowledged publish, batches against the peers' batched / unacknowledged modes.
  const vs = (ordoKey: string, peerKey: string, times: number, name: string): void => {
    const o = find(rows, ordoKey)
    const p = find(rows, peerKey)
    const value = o !== undefined && p !== undefined && peerRate(p) > 0 ? peerRate(o) / peerRate(p) : null
    out.push({
      name,
      value,
      target: `>= ${times}x`,
      met: value === null ? null : value >= times,
      detail:
        o === undefined || p === undefined
          ? 'not measured in this run'
          : `${o.label} ${formatCount(peerRate(o))} msg/s acknowledged / ${p.label} ${formatCount(peerRate(p))} msg/s = ${x(value!)}`,
    })
  }
  vs('ordo-client-publish', 'jetstream-acked', 20, 'ordo client publish() vs JetStream acknowledged publish')
  vs('ordo-client-batch', 'jetstream-stored', 5, 'ordo client publishBatch vs JetStream unacknowledged store')
  vs('ordo-client-batch', 'redis-xadd', 10, 'ordo client publishBatch vs Redis pipelined XADD')
  const targets: [string, number, string][] = [
    ['ordo-client-publish', 1_000_000, 'ordo client publish() per message, acknowledged'],
    ['ordo-client-batch', 1_500_000, 'ordo client publishBatch, acknowledged'],
    ['ordo-cli-publish', 500_000, 'ordo publish from stdin, acknowledged'],
  ]
  for (const [key, target, name] of targets) {
    const r = find(rows, key)
    const value = r?.throughput.acked_per_s ?? null
    out.push({
      name,
      value,
      target: `>= ${formatCount(target)} msg/s`,
      met: value === null ? null : value >= target,
      detail: value === null ? 'not measured in this run' : `${formatCount(value)} msg/s${ws === undefined ? '' : `; the server's ceiling (template pump) ${formatCount(ws.throughput.acked_per_s ?? ws.throughput.delivered_per_s)} msg/s acknowledged`}`,
    })
  }
  for (const key of ['jetstream-acked', 'jetstream-stored', 'redis-xadd']) {
    const p = find(rows, key)
    if (p === undefined || p.latency === null) continue
    const value = client?.latency != null ? client.latency.p99_us / p.latency.p99_us : null
    out.push({
      name: `ordo client p99 vs ${p.label} p99`,
      value,
      target: 'lower',
      met: value === null ? null : value < 1,
      detail: value === null ? 'ordo client latency not measured' : `${formatMicros(client!.latency!.p99_us)} vs ${formatMicros(p.latency.p99_us)} at ${formatCount(p.latency.offered_per_s)} msg/s offered`,
    })
  }
  if (client?.latency != null && limits?.bare_relay_p50_us != null) {
    const l = client.latency
    const pairs: [string, number, number, number][] = [
      ['p50', l.p50_us, limits.bare_relay_p50_us, 1.5],
      ['p99', l.p99_us, limits.bare_relay_p99_us!, 1.5],
      ['p99.9', l.p999_us, limits.bare_relay_p999_us!, 2],
    ]
    for (const [name, ordo, floor, times] of pairs) {
      out.push({
        name: `ordo client ${name} / bare relay ${name}`,
        value: ordo / floor,
        target: `<= ${times}x`,
        met: ordo / floor <= times,
        detail: `${formatMicros(ordo)} / ${formatMicros(floor)} at ${formatCount(l.offered_per_s)} msg/s offered, same run`,
      })
    }
  }
  const ring = limits?.bare_ring_msgs_per_s ?? null
  // Two ratios: the async row (the one compared with the peers, with its journal writes) and the memory row (no
  // journal, like the bare ring: the engine's own cost over moving the same bytes).
  for (const e of [emb, find(rows, 'ordo-embedded-memory')]) {
    if (e === undefined) continue
    const embValue = ring !== null && ring > 0 ? e.throughput.delivered_per_s / ring : null
    out.push({
      name: `${e.label} / bare SAB ring`,
      value: embValue,
      target: '>= 40 %',
      met: embValue === null ? null : embValue >= 0.4,
      detail: embValue === null ? 'bare ring not measured in this run' : `${formatCount(e.throughput.delivered_per_s)} / ${formatCount(ring!)} msg/s (${limits!.bare_ring_producers} producer(s), ${limits!.bare_ring_record_bytes} B records) = ${pct(embValue)}`,
    })
  }
  const uws = limits?.uws_fanout_msgs_per_s ?? null
  if (ws !== undefined && uws !== null && uws > 0) {
    const total = ws.throughput.delivered_per_s * w.subscribers
    out.push({
      name: 'ordo ws async delivery / uWS.js fan-out with no engine',
      value: total / uws,
      target: 'fraction of limit',
      met: null,
      detail: `${formatCount(total)} msg/s delivered in total to ${w.subscribers} subscriber(s) / ${formatCount(uws)} msg/s bare uWS to ${limits!.uws_fanout_clients} ws client(s), ${limits!.uws_fanout_messages_per_frame} msgs per frame = ${pct(total / uws)}`,
    })
  }
  const disk = limits?.disk_write_mb_per_s ?? null
  if (wsF !== undefined && disk !== null && disk > 0) {
    const mbps = (wsF.throughput.delivered_per_s * blobLength(1, w.payloadBytes)) / 1e6
    const fsyncs = limits!.disk_fsyncs_per_s
    out.push({
      name: 'ordo ws fsync journal bytes / disk write + fsync bandwidth',
      value: mbps / disk,
      target: 'fraction of limit',
      met: null,
      detail:
        `${formatCount(wsF.throughput.delivered_per_s)} msg/s x ${blobLength(1, w.payloadBytes)} B = ${mbps.toFixed(0)} MB/s of ${disk.toFixed(0)} MB/s = ${pct(mbps / disk)}` +
        (fsyncs === null ? '' : `; the disk does ${fsyncs.toFixed(0)} fsyncs/s, so this rate needs >= ${(wsF.throughput.delivered_per_s / fsyncs).toFixed(0)} messages per fsync (group commit)`),
    })
  }
  return out
}

export function formatRatios(rs: readonly Ratio[]): string[] {
  return rs.map((r) => {
    const verdict = r.met === null ? (r.target === 'fraction of limit' ? 'limit' : 'n/a') : r.met ? 'met' : 'SHORT'
    return `  [${verdict.padEnd(5)}] ${r.name} (target ${r.target}): ${r.detail}`
  })
}

/** The --json line: the documented keys, then whatever else helps. */
export function jsonSummary(rows: readonly SystemResult[], limits: LimitFigures | null, rs: readonly Ratio[], ok: boolean): Record<string, unknown> {
  const rate = (key: string, pick: (r: SystemResult) => number | null): number | null => {
    const r = find(rows, key)
    const v = r === undefined ? null : pick(r)
    return v === null ? null : Math.round(v)
  }
  const p99 = (key: string): number | null => find(rows, key)?.latency?.p99_us ?? null
  const delivered = (r: SystemResult): number => r.throughput.delivered_per_s
  const acked = (r: SystemResult): number | null => r.throughput.acked_per_s
  const lat = (key: string, pick: (l: NonNullable<SystemResult['latency']>) => number): number | null => {
    const l = find(rows, key)?.latency
    return l == null ? null : pick(l)
  }
  return {
    ordo_client_publish_msgs_per_s: rate('ordo-client-publish', acked),
    ordo_client_batch_msgs_per_s: rate('ordo-client-batch', acked),
    ordo_cli_publish_msgs_per_s: rate('ordo-cli-publish', acked),
    ordo_client_p50_us: lat('ordo-client-publish', (l) => l.p50_us),
    ordo_client_p99_us: lat('ordo-client-publish', (l) => l.p99_us),
    ordo_client_p999_us: lat('ordo-client-publish', (l) => l.p999_us),
    bare_relay_p50_us: limits?.bare_relay_p50_us ?? null,
    bare_relay_p99_us: limits?.bare_relay_p99_us ?? null,
    bare_relay_p999_us: limits?.bare_relay_p999_us ?? null,
    ordo_ws_async_msgs_per_s: rate('ordo-ws-async', delivered),
    ordo_ws_fsync_msgs_per_s: rate('ordo-ws-fsync', delivered),
    ordo_embedded_msgs_per_s: rate('ordo-embedded', delivered),
    ordo_embedded_memory_msgs_per_s: rate('ordo-embedded-memory', delivered),
    jetstream_acked_msgs_per_s: rate('jetstream-acked', peerRate),
    jetstream_stored_msgs_per_s: rate('jetstream-stored', peerRate),
    redis_xadd_msgs_per_s: rate('redis-xadd', peerRate),
    bare_ring_msgs_per_s: limits?.bare_ring_msgs_per_s == null ? null : Math.round(limits.bare_ring_msgs_per_s),
    ordo_p99_us: p99('ordo-ws-async'),
    jetstream_p99_us: p99('jetstream-acked'),
    redis_p99_us: p99('redis-xadd'),
    ordo_ws_fsync_p99_us: p99('ordo-ws-fsync'),
    ordo_embedded_p99_us: p99('ordo-embedded'),
    ordo_p50_us: find(rows, 'ordo-ws-async')?.latency?.p50_us ?? null,
    uws_fanout_msgs_per_s: limits?.uws_fanout_msgs_per_s == null ? null : Math.round(limits.uws_fanout_msgs_per_s),
    warnings: limits?.warnings ?? [],
    disk_write_mb_per_s: limits?.disk_write_mb_per_s == null ? null : Math.round(limits.disk_write_mb_per_s),
    disk_fsyncs_per_s: limits?.disk_fsyncs_per_s == null ? null : Math.round(limits.disk_fsyncs_per_s),
    targets_met: rs.filter((r) => r.met === true).length,
    targets_short: rs.filter((r) => r.met === false).map((r) => r.name),
    checks: Object.fromEntries(rows.map((r) => [r.key, r.check.ok])),
    ok,
  }
}
