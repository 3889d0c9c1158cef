// The replicated log of an ordo cluster, on a NATS JetStream stream (R3, file storage, servers run with
// sync_interval: always). JetStream replicates, stores and recovers the log; this module decides what goes in
// it and what counts, with no consensus code of its own.
//
//          ordo node A (leader, epoch 7)           ordo node B (follower)        ordo node C (follower)
//   sequencer ─▶ record ─▶ FencedAppender            LogTail ─▶ LogInterpreter     LogTail ─▶ LogInterpreter
//                            │ expected-last-seq,        ▲        │ valid batch       ▲
//                            │ Msg-Id, window of N       │        ▼ → own journal     │
//                            ▼                           │                            │
//        ┌───────────── stream ORDO_<cluster> (R3) ───────────────────────────────────────────────┐
//        │ seq: 1        2       3        4        5       …  41       42          43              │
//        │      EPOCH 1  batch   batch    hb       batch      batch    EPOCH 8     batch (epoch 8)  │
//        │      node A   g1-200  g201-450 epoch 1  …          epoch 7  node B,     g9001-…         │
//        │                                                             fenced on 41                 │
//        └─────────────────────────────────────────────────────────────────────────────────────────┘
//           nats-server n1 ◀──Raft──▶ n2 ◀──Raft──▶ n3     (the stream leader orders and fences appends)
//
//   commit point   an entry is committed when JetStream acknowledges it (stored and fsynced on a quorum):
//                  FencedAppender reports committed(ticket, seq, lastGsn) in order → the committed watermark
//   leadership     the node whose EPOCH is the newest valid one; taking over = tryTakeOver (EPOCH e+1 fenced
//                  on the last entry read): the append succeeding is the election
//   what counts    LogInterpreter: a batch counts iff it carries the current epoch and continues the gsns;
//                  entries of a deposed leader's pipeline that landed after a new EPOCH are stale
//   when to try    SilenceDetector + takeoverDelayMs (ranked, staggered); clocks never decide safety
//   node names     NodeClaim: one live node per name (claims stream, compare-and-set, TTL)
//   retention      purgeLogBelowGsn: batches/heartbeats below a gsn; EPOCH entries stay
//
// docs/cluster.md explains the log, the fence and what JetStream guarantees that this relies on.

export { ClusterLog, openLog, type OpenLogOptions, type ConnectionEvent, ENTRY_HEADER_ALLOWANCE } from './cluster-log.js'
export {
  FencedAppender,
  APPEND_FULL,
  APPEND_STOPPED,
  type AppendHandler,
  type AppenderOptions,
} from './fenced-appender.js'
export { tryTakeOver, takeOverFrom, type TakeOverRequest, type TakeOverResult } from './election.js'
export { LogTail, type TailEntry, type TailOptions } from './log-tail.js'
export { readToEnd } from './read-to-end.js'
export { LogInterpreter, Verdict, EMPTY_LOG, type LogPosition } from './log-interpreter.js'
export { SilenceDetector, rankCandidates, takeoverDelayMs, type Candidate, type TakeoverTiming } from './silence.js'
export { NodeClaim, liveClaims, type NodeClaimOptions, type ClaimValue } from './node-claim.js'
export { GsnSeqIndex, purgeLogBefore, purgeLogBelowGsn } from './log-purge.js'
export { type EpochRecord, encodeEpochRecord, decodeEpochRecord, EPOCH_FORMAT } from './epoch-entry.js'
export {
  EntryKind,
  HEADER_KIND,
  HEADER_EPOCH,
  HEADER_MSG_ID,
  HEADER_EXPECTED_LAST_SEQ,
  batchMsgId,
  heartbeatMsgId,
  epochMsgId,
} from './entry-descriptor.js'
export { clusterNames, checkClusterName, checkNodeName, type ClusterNames } from './names.js'
export { MIN_SERVER_VERSION, probeServers, parseNatsUrl, versionAtLeast, type ProbeReport, type ServerGreeting } from './server-probe.js'
export { LOG_FORMAT } from './stream-spec.js'
export {
  ClusterError,
  ClusterConnectError,
  ClusterErrorCode,
  AppendFencedError,
  AppendFailedError,
  DuplicateNodeError,
  type UrlProblem,
} from './errors.js'
