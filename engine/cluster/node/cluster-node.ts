// One ordo node of a cluster: an engine (durability `replicated`) plus the role state machine
// on the main thread, over the replicated log (engine/cluster/).
//
//   start ─▶ follower ──silence ≥ timeout + rank × stagger──▶ candidate ──EPOCH stored──▶ leader
//              ▲   ▲                                            │ lost / unknown               │ append refused
//              │   └────────────────────────────────────────────┘                              ▼ (fence, or log gone)
//              └──── a new ClusterNode (journal cut to the committed gsn) ◀── `ended` ◀── deposed
//
// Start: open the log, claim the node name, read the whole log once (its groups and where it
// ends), cut the local journal back to the last gsn this node knew was committed, rebuild the
// group registry from the log, open the engine (it starts applying), then tail the log from its
// first entry, skipping the batches the journal already holds.
// Follower: LogApplier feeds the log's batches into the sequencer; the Replicator moves DUR.
// Candidate: stop the tail, read to the end, wait until the engine applied everything read,
// append EPOCH e+1 fenced on the last entry read (tryTakeOver). Won: the sequencer switches to
// sequencing in place (its gsn, gseqs and dedupe table are current) and the Replicator sends
// every new batch through a FencedAppender; DUR follows the commits.
// Deposed (the appender stopped: fenced, or the log unreachable for its give-up time): the
// sequencer refuses at once (NOT_LEADER), every publish waiting beyond DUR is answered
// NOT_LEADER, and `ended` resolves: the owner closes this node and starts a new one on the
// same data directory, whose start cuts what the cluster did not commit.
// Clocks decide only when to try; the fenced append decides who leads (docs/cluster.md).

import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Engine } from '../../engine.js'
import type { EngineOptions } from '../../types.js'
import type { ReplicationHandle } from '../../replication-handle.js'
import { NotLeaderError } from '../../errors.js'
import { Journal } from '../../journal/journal-writer.js'
import { RECORD_HEADER_BYTES } from '../../journal/segment-descriptor.js'
import { DEFAULTS } from '../../options.js'
import { GROUPS_FILE_NAME } from '../../groups/group-registry.js'
import { ErrorCode } from '../../../codec/error-codes.js'
import { type ClusterLog, openLog } from '../cluster-log.js'
import { NodeClaim, liveClaims, type ClaimValue } from '../node-claim.js'
import { LogInterpreter, Verdict } from '../log-interpreter.js'
import { LogTail } from '../log-tail.js'
import { readToEnd } from '../read-to-end.js'
import { SilenceDetector, takeoverDelayMs } from '../silence.js'
import { takeOverFrom } from '../election.js'
import { FencedAppender } from '../fenced-appender.js'
import { EntryKind } from '../entry-descriptor.js'
import { encodeEpochRecord } from '../epoch-entry.js'
import { ClusterError, ClusterErrorCode } from '../errors.js'
import { LogApplier } from './log-applier.js'
import { Replicator } from './replicator.js'
import { AppendLatency } from './append-latency.js'
import { nodeIdOf, readPosition, saveNodeId, writePosition } from './node-files.js'
import type { ClusterStatus, NodeRole } from './cluster-status.js'
import type { ClusterStatus as PortClusterStatus } from '../../engine-port.js'

export interface ClusterNodeOptions {
  /** nats:// URLs of the JetStream cluster. */
  readonly natsUrls: readonly string[]
  /** Cluster name (stream ORDO_<cluster>). */
  readonly cluster: string
  /** This node's name (unique in the cluster). */
  readonly node: string
  /** The URL clients reach this node's gateway at (EPOCH entries and NOT_LEADER name it). */
  readonly url: string
  readonly dataDir: string
  /** Engine options besides dataDir and durability. */
  readonly engine?: Omit<EngineOptions, 'dataDir' | 'durability'>
  /** Leader silence before the first candidate tries; default 1000 ms. */
  readonly failoverTimeoutMs?: number
  /** Extra wait per candidate rank; default 300 ms. */
  readonly staggerMs?: number
  /** An idle leader appends a heartbeat this often; default 200 ms. */
  readonly heartbeatMs?: number
  /** Log entries in flight; default 32. */
  readonly window?: number
  /** Stream replicas (1, 3, 5); default 3. */
  readonly replicas?: number
  /** Told about role changes and problems (one line each). */
  readonly onEvent?: (event: string, fields: Record<string, unknown>) => void
}

export type NodeEnd = 'deposed' | 'failed' | 'closed'

/**
 * A data directory that holds a single node's journal (segments, but no cluster node id) is not
 * taken: joining would cut that journal to what the cluster's log holds. Refused before anything
 * is written.
 */
function refuseStandaloneJournal(dataDir: string): void {
  const journal = join(dataDir, 'journal')
  if (!existsSync(journal) || existsSync(join(dataDir, 'cluster', 'node-id'))) return
  if (readdirSync(journal).some((n) => n.endsWith('.seg'))) {
    throw new ClusterError(
      ClusterErrorCode.badArgument,
      `data directory ${dataDir} holds the journal of a single (non-cluster) node; a cluster node keeps only what the cluster's log holds and would cut it: give this node an empty data directory`,
    )
  }
}

/** Bytes a message takes in a batch beyond its payload, at most (16 groups); options.ts checks the rings with the same bound. */
const MESSAGE_OVERHEAD_BYTES = 16 * 12 + 256


export class ClusterNode {
  readonly engine: Engine
  readonly log: ClusterLog
  role: NodeRole = 'follower'
  failovers = 0
  /** Leadership changes this node saw (EPOCH entries after its start). */
  epochsSeen = 0
  readonly ended: Promise<NodeEnd>
  private endWith!: (why: NodeEnd) => void
  private readonly port: ReplicationHandle
  private readonly replicator: Replicator
  private readonly silence: SilenceDetector
  private interp: LogInterpreter
  private applier: LogApplier
  private tail: LogTail | null = null
  private appender: FencedAppender | null = null
  private timer: NodeJS.Timeout | null = null
  private busy = false
  private closed = false
  private savedPosition = 0
  private peers: string[] = []
  private peersAt = 0
  endReason: Error | null = null
  private readonly latency = new AppendLatency()

  private constructor(
    private readonly o: ClusterNodeOptions,
    engine: Engine,
    log: ClusterLog,
    private readonly claim: NodeClaim,
    private readonly localLastGsn: number,
  ) {
    this.engine = engine
    this.log = log
    this.port = engine.replication()
    this.replicator = new Replicator(this.port, log.maxEntryBytes, (err) => this.finish('failed', err))
    this.silence = new SilenceDetector(o.failoverTimeoutMs ?? 1000)
    this.interp = new LogInterpreter()
    this.applier = this.newApplier(localLastGsn)
    this.ended = new Promise((r) => (this.endWith = r))
    this.port.setGroupHook({
      mayCreate: () => {
        if (this.role !== 'leader') throw new NotLeaderError('only the leader creates groups', this.leaderUrl)
      },
      created: (id, name) => this.replicator.enqueueGroup(id, name),
      // A follower (or candidate) knows only the log's groups, all committed; the leader knows the ones it
      // named too; a deposed or stopped node may hold ids that never commit.
      committed: (maxId) => {
        if (this.role === 'leader') return this.replicator.groupsCommitted(maxId)
        if (this.role === 'follower' || this.role === 'candidate') return null
        return Promise.reject(new NotLeaderError('this node stopped leading', this.leaderUrl))
      },
    })
    this.port.setClusterView(() => this.view())
    this.port.setEpochBounds((epoch) => this.interp.withdrawnAbove(epoch))
  }

  /** Joins the cluster: see the top of this file. Refuses, before writing anything, bad URLs, old servers, foreign streams and taken names. */
  static async start(o: ClusterNodeOptions): Promise<ClusterNode> {
    refuseStandaloneJournal(o.dataDir)
    const log = await openLog({ urls: o.natsUrls, cluster: o.cluster, replicas: o.replicas ?? 3, connectionName: `ordo ${o.node}` })
    let claim: NodeClaim | null = null
    let engine: Engine | null = null
    try {
      let node: ClusterNode | null = null
      const nodeId = nodeIdOf(o.dataDir)
      claim = await NodeClaim.claim(log, {
        node: o.node, nodeId, url: o.url,
        onLost: (e) => node?.finish('failed', e),
      })
      saveNodeId(o.dataDir, nodeId)
      // What the log holds now: its groups, and the last committed gsn.
      const scan = new LogInterpreter()
      const groups: Array<{ id: number; name: string }> = []
      await readToEnd(log, scan, (_e, v) => {
        if (v === Verdict.group) groups.push({ ...scan.group })
      }, 60_000)
      const position = readPosition(o.dataDir)
      if (position > scan.lastGsn) {
        throw new ClusterError(
          ClusterErrorCode.badArgument,
          `this data directory holds gsns the cluster's log does not: committedGsn=${position}, logLastGsn=${scan.lastGsn}, cluster=${o.cluster}, dataDir=${o.dataDir}; it belongs to another cluster (or the log was deleted): start this node on an empty data directory`,
        )
      }
      // Cut what this node wrote that the cluster may not have committed, and take the groups from the log.
      const cut = Journal.truncateAfter(join(o.dataDir, 'journal'), position)
      rmSync(join(o.dataDir, GROUPS_FILE_NAME), { force: true })
      // Every batch must fit one log entry (the servers' max_payload): cut batches below it, and
      // refuse a largest message that could not fit at all.
      const maxBatch = log.maxEntryBytes - RECORD_HEADER_BYTES - 8
      const maxPayload = o.engine?.maxPayload ?? DEFAULTS.maxPayload
      if (maxPayload + MESSAGE_OVERHEAD_BYTES > maxBatch) {
        throw new ClusterError(
          ClusterErrorCode.entryTooLarge,
          `largest message does not fit one log entry: maxPayload=${maxPayload}, maxEntryBytes=${log.maxEntryBytes}; raise max_payload on the nats-servers or lower --max-payload`,
        )
      }
      const batchMaxBytes = Math.min(o.engine?.batchMaxBytes ?? DEFAULTS.batchMaxBytes, maxBatch)
      engine = await Engine.open({ ...o.engine, batchMaxBytes, dataDir: o.dataDir, durability: 'replicated' })
      const port = engine.replication()
      for (const g of groups) {
        if (!port.applyGroup(g.id, g.name)) throw new ClusterError(ClusterErrorCode.badEntry, `groups in the log do not number densely: id=${g.id}, name=${g.name}`)
      }
      node = new ClusterNode(o, engine, log, claim, port.sequencedGsn)
      node.event('cluster_joined', {
        node: o.node, cluster: o.cluster, epoch: scan.epoch, logLastGsn: scan.lastGsn, logLastSeq: scan.lastSeq,
        localLastGsn: port.sequencedGsn, cutGsns: cut.removedGsns, leader: scan.leader?.node ?? null,
      })
      await node.follow(1)
      node.replicator.start()
      node.timer = setInterval(() => node!.tick(), 50)
      return node
    } catch (err) {
      if (engine !== null) await engine.close().catch(() => {})
      await claim?.release().catch(() => {})
      await log.close().catch(() => {})
      throw err
    }
  }

  get epoch(): number {
    return this.interp.epoch
  }

  get leaderUrl(): string {
    return this.role === 'leader' ? this.o.url : (this.interp.leader?.url ?? '')
  }

  get leaderNode(): string {
    return this.role === 'leader' ? this.o.node : (this.interp.leader?.node ?? '')
  }

  status(): ClusterStatus {
    const committed = this.port.durableGsn
    const logLast = this.role === 'leader' ? (this.appender?.appendedGsn ?? committed) : this.interp.lastGsn
    this.latency.drain(this.replicator.latencyUs)
    return {
      node: this.o.node, cluster: this.o.cluster, role: this.role, epoch: this.epoch, leader: this.leaderNode, leaderUrl: this.leaderUrl,
      committedGsn: committed, sequencedGsn: this.port.sequencedGsn, writtenGsn: this.port.writtenGsn,
      lagGsns: Math.max(0, (this.role === 'leader' ? this.port.sequencedGsn : logLast) - committed),
      logSeq: this.role === 'leader' ? (this.appender?.committedSeq ?? 0) : this.interp.lastSeq,
      failovers: this.failovers, entriesAppended: this.replicator.entries, bytesAppended: this.replicator.bytes,
      appendLatency: this.latency.snapshot(),
      natsServers: this.log.probe.servers.length,
    }
  }

  /** The gateway's view (engine-port ClusterStatus). */
  private view(): PortClusterStatus {
    const s = this.status()
    const appliedGsn = s.committedGsn
    return {
      node: s.node, role: s.role, epoch: s.epoch, committedGsn: s.committedGsn, leaderUrl: s.leaderUrl, leader: s.leader,
      lagGsns: s.lagGsns, failovers: s.failovers, appendLatency: s.appendLatency,
      nodes: [{ name: s.node, role: s.role, epoch: s.epoch, appliedGsn, lagMessages: s.lagGsns, url: this.o.url }],
    }
  }

  /** Stops everything this node runs (engine included). Leader: waits (bounded) for what is in flight to commit. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer !== null) clearInterval(this.timer)
    if (this.role === 'leader' && this.appender !== null) {
      this.port.setSequencing(false)
      const deadline = Date.now() + 5000
      while (this.appender.inFlight > 0 && this.appender.stoppedBy === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    }
    this.appender?.stop()
    this.replicator.stop()
    await this.tail?.stop().catch(() => {})
    this.savePosition()
    await this.engine.close().catch(() => {})
    await this.claim.release().catch(() => {})
    await this.log.close().catch(() => {})
    this.endWith('closed')
  }

  private newApplier(skipUpTo: number): LogApplier {
    return new LogApplier(this.port, this.interp, this.silence, skipUpTo, () => {
      this.epochsSeen++
      this.event('leader', { epoch: this.interp.epoch, leader: this.interp.leader?.node, url: this.interp.leader?.url })
    })
  }

  private async follow(fromSeq: number): Promise<void> {
    this.tail = await LogTail.start(this.log, {
      fromSeq,
      onEntry: (e) => this.applier.onEntry(e),
      onError: (e) => this.finish('failed', e),
    })
  }

  private event(event: string, fields: Record<string, unknown>): void {
    this.o.onEvent?.(event, { node: this.o.node, ...fields })
  }

  private finish(why: NodeEnd, err?: Error): void {
    if (this.closed) return
    if (err !== undefined && this.endReason === null) this.endReason = err
    if (this.role === 'leader' || why !== 'closed') {
      this.port.setSequencing(false)
      this.port.answerWaiting(ErrorCode.NOT_LEADER)
    }
    this.replicator.failGroupWaiters(new NotLeaderError('this node stopped leading before the group was committed', ''))
    this.role = why === 'deposed' ? 'deposed' : 'stopped'
    this.event(why === 'deposed' ? 'deposed' : 'node_failed', { reason: err?.message ?? why })
    this.endWith(why)
  }

  private savePosition(): void {
    const d = this.port.durableGsn
    if (d === this.savedPosition) return
    try {
      writePosition(this.o.dataDir, d)
      this.savedPosition = d
    } catch {
      // Only a hint for the next start: a stale one makes it cut more and re-read from the log.
    }
  }

  private tick(): void {
    if (this.closed) return
    this.savePosition()
    this.claim.setApplied(this.port.durableGsn)
    const now = Date.now()
    if (now - this.peersAt > 2000 && (this.role === 'follower' || this.role === 'leader')) {
      this.peersAt = now
      void liveClaims(this.log).then((c) => this.heardPeers(c), () => {})
    }
    if (this.role !== 'follower' || this.busy) return
    const leader = this.interp.leader?.node
    const candidates = [...new Set([...this.peers, this.o.node])].filter((n) => n !== leader).map((node) => ({ node, appliedSeq: -1 }))
    const delay = takeoverDelayMs(this.o.node, candidates, { timeoutMs: this.o.failoverTimeoutMs ?? 1000, staggerMs: this.o.staggerMs ?? 300 })
    if (this.silence.silentForMs() < delay) return
    this.busy = true
    void this.takeOver().catch((e: unknown) => this.takeOverFailed(e)).finally(() => (this.busy = false))
  }

  /** The live nodes (their claims): candidates for a takeover, and the applied gsns stable_gsn waits for. */
  private heardPeers(claims: ClaimValue[]): void {
    if (this.closed) return
    this.peers = claims.map((v) => v.node)
    let floor = Number.MAX_SAFE_INTEGER
    for (const c of claims) if (c.node !== this.o.node) floor = Math.min(floor, typeof c.appliedGsn === 'number' ? c.appliedGsn : 0)
    this.port.setReplicaFloor(floor)
  }

  /**
   * A takeover that could not finish (the log unreachable: no stream leader while nats-servers
   * elect one, a timeout): follow on and try again after another silence. A broken log is fatal.
   */
  private async takeOverFailed(e: unknown): Promise<void> {
    const err = e instanceof Error ? e : new Error(String(e))
    if (err instanceof ClusterError && err.code === ClusterErrorCode.badEntry) {
      this.finish('failed', err)
      return
    }
    this.event('takeover_failed', { reason: err.message })
    if (this.role !== 'leader') this.role = 'follower'
    this.silence.heard()
    if (this.tail === null && this.role === 'follower') {
      await this.follow(this.interp.lastSeq + 1).catch((e2: unknown) => this.finish('failed', e2 instanceof Error ? e2 : new Error(String(e2))))
    }
  }

  private async takeOver(): Promise<void> {
    this.role = 'candidate'
    await this.tail?.stop()
    this.tail = null
    await readToEnd(this.log, this.interp, (e, v) => void this.applier.handle(e, v))
    await this.applier.drain()
    // The sequencer, the journal and the replicator must hold everything read before it sequences.
    const target = this.interp.lastGsn
    const deadline = Date.now() + 10_000
    while ((this.port.sequencedGsn < target || this.port.durableGsn < target) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2))
    if (this.port.durableGsn < target) throw new ClusterError(ClusterErrorCode.unreachable, `engine did not apply the log in time: durable=${this.port.durableGsn}, log=${target}`)
    if (this.silence.silentForMs() < (this.o.failoverTimeoutMs ?? 1000)) {
      // Someone spoke while we read: follow on.
      this.role = 'follower'
      await this.follow(this.interp.lastSeq + 1)
      return
    }
    const res = await takeOverFrom(this.log, this.interp, this.o.node, this.o.url, 5000)
    if (res.outcome === 'unknown') {
      // No answer in time: our EPOCH may be in the log. Read on and look for its Msg-Id.
      let mineAt = 0
      await readToEnd(this.log, this.interp, (e, v) => {
        void this.applier.handle(e, v)
        if (v === Verdict.epoch && e.msgId === res.msgId) mineAt = e.seq
      }).catch(() => {})
      if (mineAt > 0 && this.interp.epochSeq === mineAt) {
        // Won after all; entries after it (if any) are stale by the log's rule: fence on the end.
        this.lead(this.interp.epoch, this.interp.lastSeq)
        return
      }
    }
    if (res.outcome !== 'won') {
      this.event('takeover_lost', { outcome: res.outcome, epoch: this.interp.epoch + 1 })
      this.role = 'follower'
      this.silence.heard()
      await this.follow(this.interp.lastSeq + 1)
      return
    }
    const epoch = this.interp.epoch + 1
    const rec = { epoch, node: this.o.node, url: this.o.url, committedGsn: this.interp.lastGsn }
    this.interp.apply(res.seq, EntryKind.epoch, epoch, encodeEpochRecord(rec))
    this.lead(epoch, res.seq)
  }

  /** Leads `epoch` (its EPOCH is in the log, which ends at `afterSeq`): sequence and replicate. */
  private lead(epoch: number, afterSeq: number): void {
    this.appender = new FencedAppender(this.log, {
      epoch, afterSeq, lastGsn: this.interp.lastGsn, window: this.o.window ?? 32, heartbeatMs: this.o.heartbeatMs ?? 200,
      handler: {
        committed: (ticket, _seq, lastGsn) => this.replicator.committed(ticket, lastGsn),
        stopped: (error) => {
          if (!this.closed) this.finish('deposed', error)
        },
      },
    })
    this.replicator.lead(this.appender, this.port.groups().length)
    this.role = 'leader'
    this.failovers++
    this.port.setSequencing(true)
    this.event('leading', { epoch, seq: afterSeq, committedGsn: this.interp.lastGsn })
  }
}
