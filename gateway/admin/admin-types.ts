// The documents of the JSON admin API (GET /api/stats, /api/groups,
// /api/subscribers, /api/connections), shared by the server that writes them
// and the dashboard that reads them. Types only: the browser page imports them
// at compile time and nothing at run time. gateway/README.md documents each field.

export interface HistogramDoc {
  /** Cumulative counts per upper bound in seconds; the last bound is null (+Inf). */
  buckets: { le: number | null; count: number }[]
  sumSeconds: number
  count: number
}

import type { ClusterStatus } from '../../engine/engine-port.js'

/** A cluster (its nodes' roles, epochs and lag): present in /api/stats only when the server runs in one. */
export type ClusterDoc = ClusterStatus

export interface StatsDoc {
  /** Server time of the reading, ms since the epoch (rates: divide deltas by its deltas). */
  time: number
  server: {
    version: string
    node: string
    /** 'uws' or 'ws', as /health and ordo_build_info say. */
    transport: string
    /** What runs, with its version: 'uWebSockets.js 20.57.0 (@btc-vision/uwebsockets.js)', 'ws 8.18.3 on node:http'. */
    transportImplementation: string
    host: string
    port: number
    startedAt: number
    uptimeSeconds: number
    auth: 'open' | 'token'
    durability: string
    state: string
  }
  watermarks: {
    sequencedGsn: number
    durableGsn: number
    /** sequencedGsn - durableGsn: messages waiting for the disk. */
    distance: number
    /** Oldest gsn the journal still holds (0: none or memory mode). */
    oldestGsn: number
    /** Stability watermark: every durable subscription acknowledged up to it (durableGsn when there is none). */
    stableGsn: number
  }
  counters: {
    messagesIn: number
    messagesOut: number
    messagesSequenced: number
    publishAcks: number
    httpPublishes: number
    framesIn: number
    framesOut: number
    bytesIn: number
    bytesOut: number
    connectionsOpened: number
    connectionsClosed: number
    authFailures: number
    duplicates: number
    sequencerRejects: number
    fsyncs: number
    slowConsumerPauses: number
    slowConsumerResumes: number
    slowConsumerDisconnects: number
    ingressBackPressured: number
  }
  gauges: {
    connections: number
    subscriptions: number
    pausedSubscriptions: number
    groups: number
    maxSubscriberLag: number
  }
  latency: {
    publishAck: HistogramDoc
    deliver: HistogramDoc
    fsync: HistogramDoc
  }
  /** Every wire error code with how often it was sent since start. */
  errors: { code: number; name: string; count: number }[]
  journal: {
    bytes: number
    segments: number
    appendedBytes: number
    retentionRemovedSegments: number
    retentionRemovedBytes: number
  } | null
  runtime: {
    cpuSeconds: number
    rssBytes: number
    heapUsedBytes: number
    heapTotalBytes: number
    eventLoopDelayP99Seconds: number
    eventLoopDelayMaxSeconds: number
    gcCount: number
    gcSeconds: number
    openFds: number
  }
  /** Present only in a cluster. */
  cluster?: ClusterDoc
}

export interface GroupDoc {
  id: number
  name: string
  /** Messages dispatched to the group since the server started. */
  messages: number
  /** gseq of its latest message (0: none since start). */
  lastGseq: number
  /** Subscriptions that include the group. */
  subscriptions: number
}

export interface SubscriberDoc {
  connection: number
  subscription: number
  subject: string
  groups: string[]
  tentative: boolean
  /** The durable subscription's name (null: an ordinary subscription). */
  durable: string | null
  /** Next gsn it will be sent. */
  nextGsn: number
  /** Messages sequenced but not yet sent to it. */
  lag: number
  /** Highest gsn the client acknowledged (Ack frames; 0: none). */
  ackedGsn: number
  /** Caught up and fed from the live stream (false while replaying from the journal). */
  live: boolean
  /** Held back by a full send buffer (slow consumer). */
  paused: boolean
  since: number
}

export interface ConnectionDoc {
  id: number
  subject: string
  remote: string
  openedAt: number
  publisher: number
  subscriptions: number
  pausedSubscriptions: number
  /** Bytes waiting in the socket's send buffer. */
  bufferedBytes: number
  /** Since when the send buffer stayed above its high mark (0: not stalled). */
  stalledSince: number
  /** A slow consumer: paused subscriptions or a stalled send buffer. */
  slow: boolean
  publishFrames: number
  messagesIn: number
  messagesAcked: number
  /** Publish frames held while the engine's ingress is full. */
  heldPublishFrames: number
}

export interface PageDoc<T> {
  items: T[]
  nextCursor: string | null
  total: number
}
