// What the admin API answers, read from the live server: the gateway's counters
// and connections, the engine's figures and groups. Built per request (the
// dashboard polls once a second): plain objects, no caching, no locks (one
// thread). Who may see what is decided by the caller (admin-routes.ts) and
// passed in as grants: group lists are filtered by what the token may see.

import type { EngineMetrics } from '../../engine/engine-port.js'
import type { Grants } from '../auth/token.js'
import type { Connection } from '../connection.js'
import type { GatewayCounters, GatewayGauges } from '../metrics.js'
import type { HistogramSnapshot } from '../metrics/latency-histogram.js'
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js'
import type { EnginePort } from '../../engine/engine-port.js'
import { ERROR_CODES } from '../../codec/error-codes.js'
import { ORDO_VERSION } from '../../engine/version.js'
import type { ConnectionDoc, GroupDoc, HistogramDoc, StatsDoc, SubscriberDoc } from './admin-types.js'

/** What the view reads from the server (GatewayServer implements it). */
export interface AdminSource {
  readonly engine: EnginePort
  readonly counters: GatewayCounters
  readonly runtime: RuntimeMetrics
  readonly startedAt: number
  readonly host: string
  readonly port: number
  readonly authOpen: boolean
  readonly stateName: string
  readonly transportName: string
  readonly transportImplementation: string
  gauges(): GatewayGauges
  engineMetrics(): EngineMetrics | null
  connectionList(): IterableIterator<Connection>
}

function histogram(s: HistogramSnapshot): HistogramDoc {
  return { buckets: s.buckets.map((b) => ({ le: b.le === Infinity ? null : b.le, count: b.count })), sumSeconds: s.sumSeconds, count: s.count }
}

export class AdminView {
  constructor(private readonly src: AdminSource) {}

  stats(): StatsDoc {
    const src = this.src
    const c = src.counters
    const e = src.engineMetrics()
    const g = src.gauges()
    const rt = src.runtime.snapshot()
    const now = Date.now()
    const sequenced = e?.sequencedGsn ?? src.engine.sequencedGsn
    const durable = e?.durableGsn ?? src.engine.durableGsn
    const fsyncs = e?.fsyncs ?? 0
    const doc: StatsDoc = {
      time: now,
      server: {
        version: ORDO_VERSION,
        node: process.version,
        transport: src.transportName,
        transportImplementation: src.transportImplementation,
        host: src.host,
        port: src.port,
        startedAt: src.startedAt,
        uptimeSeconds: Math.round((now - src.startedAt) / 1000),
        auth: src.authOpen ? 'open' : 'token',
        durability: e?.durability ?? 'unknown',
        state: src.stateName,
      },
      watermarks: { sequencedGsn: sequenced, durableGsn: durable, distance: Math.max(0, sequenced - durable), oldestGsn: e?.journal?.oldestGsn ?? 0, stableGsn: e?.stableGsn ?? src.engine.stableGsn ?? durable },
      counters: {
        messagesIn: c.messagesIn,
        messagesOut: c.messagesOut,
        messagesSequenced: e?.messagesSequenced ?? 0,
        publishAcks: c.publishAcks,
        httpPublishes: c.httpPublishes,
        framesIn: c.framesIn,
        framesOut: c.framesOut,
        bytesIn: c.bytesIn,
        bytesOut: c.bytesOut,
        connectionsOpened: c.connectionsOpened,
        connectionsClosed: c.connectionsClosed,
        authFailures: c.authFailures,
        duplicates: e?.duplicates ?? 0,
        sequencerRejects: e?.rejects ?? 0,
        fsyncs,
        slowConsumerPauses: c.slowConsumerPauses,
        slowConsumerResumes: c.slowConsumerResumes,
        slowConsumerDisconnects: c.slowConsumerDisconnects,
        ingressBackPressured: c.ingressBackPressured,
      },
      gauges: {
        connections: g.connections,
        subscriptions: g.subscriptions,
        pausedSubscriptions: g.pausedSubscriptions,
        groups: e?.groups ?? 0,
        maxSubscriberLag: g.lags.length > 0 ? g.lags[0]!.maxLag : 0,
      },
      latency: {
        publishAck: histogram(c.publishAckLatency.snapshot()),
        deliver: histogram(c.deliverLatency.snapshot()),
        fsync: histogram({ buckets: e?.fsyncLatencyBuckets ?? [], sumSeconds: e?.fsyncLatencySumSeconds ?? 0, count: fsyncs }),
      },
      errors: ERROR_CODES.map((info) => ({ code: info.code, name: info.name, count: c.errorsByCode[info.code]! })),
      journal:
        e?.journal === undefined
          ? null
          : {
              bytes: e.journal.bytes,
              segments: e.journal.segments,
              appendedBytes: e.journal.appendedBytes,
              retentionRemovedSegments: e.journal.retentionRemovedSegments,
              retentionRemovedBytes: e.journal.retentionRemovedBytes,
            },
      runtime: {
        cpuSeconds: rt.cpuUserSeconds + rt.cpuSystemSeconds,
        rssBytes: rt.rssBytes,
        heapUsedBytes: rt.heapUsedBytes,
        heapTotalBytes: rt.heapTotalBytes,
        eventLoopDelayP99Seconds: rt.eventLoopDelay.p99Seconds,
        eventLoopDelayMaxSeconds: rt.eventLoopDelay.maxSeconds,
        gcCount: rt.gc.reduce((n, x) => n + x.count, 0),
        gcSeconds: rt.gc.reduce((n, x) => n + x.seconds, 0),
        openFds: rt.openFds,
      },
    }
    const cluster = src.engine.clusterStatus?.() ?? null
    if (cluster !== null) doc.cluster = cluster
    return doc
  }

  /** Groups the grants may see (all with the monitor right), by id. */
  groups(grants: Grants): GroupDoc[] {
    const engine = this.src.engine
    const subsByGroup = new Map<number, number>()
    for (const conn of this.src.connectionList()) {
      if (conn.subs === null) continue
      for (const s of conn.subs.values()) for (const g of s.groups) subsByGroup.set(g, (subsByGroup.get(g) ?? 0) + 1)
    }
    const all = engine.groupList?.() ?? []
    const out: GroupDoc[] = []
    for (const g of all) {
      if (!grants.monitor && !grants.canResolve(g.name)) continue
      out.push({ id: g.id, name: g.name, messages: g.messages, lastGseq: g.lastGseq, subscriptions: subsByGroup.get(g.id) ?? 0 })
    }
    return out
  }

  /** Every subscription on every connection, by (connection, subscription id). */
  subscribers(): SubscriberDoc[] {
    const engine = this.src.engine
    const head = engine.sequencedGsn
    const out: SubscriberDoc[] = []
    for (const conn of this.src.connectionList()) {
      if (conn.subs === null) continue
      for (const s of conn.subs.values()) {
        const next = s.nextGsn
        out.push({
          connection: conn.generation,
          subscription: s.id,
          subject: conn.subject,
          groups: s.groups.map((id) => engine.groupName(id) ?? `#${id}`),
          tentative: s.tentative,
          durable: s.durableName === '' ? null : s.durableName,
          nextGsn: next,
          lag: Math.max(0, head - (next - 1)),
          ackedGsn: s.lastAckedGsn,
          live: s.live,
          paused: s.paused,
          since: s.since,
        })
      }
    }
    out.sort((a, b) => a.connection - b.connection || a.subscription - b.subscription)
    return out
  }

  connections(): ConnectionDoc[] {
    const out: ConnectionDoc[] = []
    for (const conn of this.src.connectionList()) {
      let subs = 0
      if (conn.subs !== null) subs = conn.subs.size
      let buffered = 0
      try {
        buffered = conn.closed ? 0 : conn.ws.getBufferedAmount()
      } catch {
        buffered = 0
      }
      out.push({
        id: conn.generation,
        subject: conn.subject,
        remote: conn.remote,
        openedAt: conn.openedAt,
        publisher: conn.publisher,
        subscriptions: subs,
        pausedSubscriptions: conn.pausedCount,
        bufferedBytes: buffered,
        stalledSince: conn.stalledSince,
        slow: conn.pausedCount > 0 || conn.stalledSince !== 0,
        publishFrames: conn.publishFrames,
        messagesIn: conn.messagesIn,
        messagesAcked: conn.messagesAcked,
        heldPublishFrames: conn.pending?.size ?? 0,
      })
    }
    out.sort((a, b) => a.id - b.id)
    return out
  }
}
