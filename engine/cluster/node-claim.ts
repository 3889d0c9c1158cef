// One live ordo node per node name. Each node keeps a claim on its name: the last message on subject
// ordo.<cluster>.node.<name> of the claims stream (one message per subject, max_age = the claim TTL), written
// with compare-and-set on that subject's last sequence and refreshed every TTL/4.
//
// The rule:
//   no claim (never made, released, or expired TTL after its owner's last refresh)  → take it
//   a claim with the same nodeId (the same node's data directory: a restart)        → take it over at once
//   a live claim with another nodeId                                                → refuse, naming its owner
// nodeId is the node's durable identity, kept in its data directory (two processes cannot share that
// directory: the journal lock), so a restarted node need not wait for its old claim to expire while a
// second node given the same name by mistake is refused. A claim that changes hands under its owner (the
// owner was frozen past the TTL and someone else claimed the name) is reported through onLost.

import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { JetStreamApiError, type StoredMsg } from '@nats-io/jetstream'
import type { ClusterLog } from './cluster-log.js'
import { ClusterError, ClusterErrorCode, DuplicateNodeError } from './errors.js'
import { checkNodeName } from './names.js'
import { JsErrCode, isTransientJsError } from './pub-ack.js'

export interface NodeClaimOptions {
  readonly node: string
  /** Durable identity of this node (kept in its data directory); default: a fresh random one (a restart then waits for the TTL). */
  readonly nodeId?: string
  /** This node's gateway URL, shown to whoever is refused. */
  readonly url?: string
  /** Called once if another instance takes the name over. */
  readonly onLost?: (e: ClusterError) => void
  /**
   * How long claim() keeps trying while the claims stream has no leader (a cluster starting cold elects one
   * a few seconds after the stream is created; a lost quorum has none until it is back). Default 30 000 ms.
   */
  readonly deadlineMs?: number
}

export interface ClaimValue {
  readonly node: string
  readonly nodeId: string
  readonly instance: string
  readonly url: string
  readonly host: string
  readonly pid: number
  readonly claimedAt: string
  /** The highest gsn this node has applied (journaled from the log), as of its last refresh. */
  readonly appliedGsn?: number
}

const NO_MESSAGE = 10037
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function parseClaim(m: StoredMsg): ClaimValue | undefined {
  try {
    const v = JSON.parse(decoder.decode(m.data)) as Partial<ClaimValue>
    return typeof v.nodeId === 'string' && typeof v.instance === 'string' ? (v as ClaimValue) : undefined
  } catch {
    return undefined
  }
}

export class NodeClaim {
  readonly node: string
  readonly value: ClaimValue
  readonly ttlMs: number
  readonly #log: ClusterLog
  readonly #subject: string
  readonly #onLost: ((e: ClusterError) => void) | undefined
  #seq: number
  #timer: NodeJS.Timeout | undefined
  #lost: ClusterError | undefined
  #busy = false
  #applied = 0

  private constructor(log: ClusterLog, value: ClaimValue, seq: number, ttlMs: number, onLost: NodeClaimOptions['onLost']) {
    this.#log = log
    this.node = value.node
    this.value = value
    this.ttlMs = ttlMs
    this.#subject = log.names.nodeSubject(value.node)
    this.#seq = seq
    this.#onLost = onLost
    this.#timer = setInterval(() => void this.#refresh(), Math.max(250, Math.floor(ttlMs / 4)))
    this.#timer.unref()
  }

  /** The node's applied gsn, carried by the next refreshes (what the other nodes' stability watermark waits for). */
  setApplied(gsn: number): void {
    if (gsn > this.#applied) this.#applied = gsn
  }

  #payload(): Uint8Array {
    return encoder.encode(JSON.stringify({ ...this.value, appliedGsn: this.#applied }))
  }

  /** Set when another instance took the name. */
  get lost(): ClusterError | undefined {
    return this.#lost
  }

  /** Claims `node` for this process; throws DuplicateNodeError when another live node holds it. */
  static async claim(log: ClusterLog, o: NodeClaimOptions): Promise<NodeClaim> {
    checkNodeName(o.node)
    const deadlineMs = o.deadlineMs ?? 30_000
    const deadline = Date.now() + deadlineMs
    // Every request below is retried while the stream has no leader (no responders, timeouts, "not available").
    const patiently = <T>(what: string, f: () => Promise<T>): Promise<T> => untilLeader(log, deadline, deadlineMs, `${what} on node name ${o.node}`, f)
    const info = await patiently('could not read the claims stream', () => log.jsm.streams.info(log.names.nodesStream))
    const ttlMs = Math.max(1000, Math.floor((info.config.max_age ?? 0) / 1e6) || log.claimTtlMs)
    const value: ClaimValue = {
      node: o.node,
      nodeId: o.nodeId ?? randomBytes(8).toString('hex'),
      instance: randomBytes(8).toString('hex'),
      url: o.url ?? '',
      host: hostname(),
      pid: process.pid,
      claimedAt: new Date().toISOString(),
    }
    const subject = log.names.nodeSubject(o.node)
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await patiently('could not read the claim', () => lastClaim(log, subject))
      let expect = 0
      if (current !== undefined) {
        const held = parseClaim(current)
        if (held === undefined || held.nodeId !== value.nodeId) {
          const ageMs = Date.now() - new Date(current.time).getTime()
          throw new DuplicateNodeError(
            o.node,
            `node name ${o.node} is held by another running ordo node: url=${held?.url || '(none)'}, host=${held?.host ?? '?'}, ` +
              `pid=${held?.pid ?? '?'}, lastRefreshMsAgo=${Math.max(0, Math.round(ageMs))}; stop that node or give this one ` +
              `another node name (a node that crashed loses its claim ${ttlMs} ms after its last refresh)`,
          )
        }
        expect = current.seq
      }
      let raced = false
      const ack = await patiently('could not write the claim', () =>
        log.js.publish(subject, encoder.encode(JSON.stringify(value)), { expect: { lastSubjectSequence: expect }, timeout: 5000 }).catch((e: unknown) => {
          if (e instanceof JetStreamApiError && (e.code === JsErrCode.wrongLastSequence || e.code === JsErrCode.wrongLastSequenceConstant)) {
            raced = true // another writer, or our own earlier attempt that timed out but was stored: look again
            return undefined
          }
          throw e
        }),
      )
      if (ack !== undefined && !raced) return new NodeClaim(log, value, ack.seq, ttlMs, o.onLost)
    }
    throw new ClusterError(ClusterErrorCode.appendFailed, `claim on node name ${o.node} kept racing with another writer; try again`)
  }

  async #refresh(): Promise<void> {
    if (this.#busy || this.#lost !== undefined || this.#log.closed) return
    this.#busy = true
    try {
      const ack = await this.#log.js.publish(this.#subject, this.#payload(), {
        expect: { lastSubjectSequence: this.#seq },
        timeout: Math.max(500, Math.floor(this.ttlMs / 4)),
      })
      this.#seq = ack.seq
    } catch (e) {
      if (!(e instanceof JetStreamApiError && (e.code === JsErrCode.wrongLastSequence || e.code === JsErrCode.wrongLastSequenceConstant))) return // not reachable now: next tick
      // Someone wrote the subject, or our claim expired (we were silent past the TTL). Look.
      const current = await lastClaim(this.#log, this.#subject).catch(() => undefined)
      const held = current === undefined ? undefined : parseClaim(current)
      if (held !== undefined && held.instance === this.value.instance) {
        this.#seq = current!.seq
      } else if (current === undefined) {
        const ack = await this.#log.js.publish(this.#subject, this.#payload(), { expect: { lastSubjectSequence: 0 }, timeout: 5000 }).catch(() => undefined)
        if (ack !== undefined) this.#seq = ack.seq
      } else {
        this.#lost = new ClusterError(
          ClusterErrorCode.nodeClaimLost,
          `node name ${this.node} was claimed by another instance: url=${held?.url || '(none)'}, host=${held?.host ?? '?'}, pid=${held?.pid ?? '?'}; this node must stop`,
        )
        this.#stopTimer()
        this.#onLost?.(this.#lost)
      }
    } finally {
      this.#busy = false
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Gives the name up (clean shutdown): removes the claim if it is still this instance's. */
  async release(): Promise<void> {
    this.#stopTimer()
    if (this.#lost !== undefined || this.#log.closed) return
    const current = await lastClaim(this.#log, this.#subject).catch(() => undefined)
    if (current !== undefined && parseClaim(current)?.instance === this.value.instance) {
      await this.#log.jsm.streams.purge(this.#log.names.nodesStream, { filter: this.#subject }).catch(() => undefined)
    }
  }
}

async function lastClaim(log: ClusterLog, subject: string): Promise<StoredMsg | undefined> {
  try {
    return (await log.jsm.streams.getMessage(log.names.nodesStream, { last_by_subj: subject })) ?? undefined
  } catch (e) {
    if (e instanceof JetStreamApiError && e.code === NO_MESSAGE) return undefined
    throw e
  }
}

/**
 * Runs f until it succeeds, retrying errors that mean "no stream leader reachable right now" (a stream created a
 * moment ago, an election, a lost quorum) with a growing pause, until the deadline; then fails saying what to check.
 */
async function untilLeader<T>(log: ClusterLog, deadline: number, deadlineMs: number, what: string, f: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await f()
    } catch (e) {
      if (e instanceof ClusterError || e instanceof DuplicateNodeError) throw e
      const why = e instanceof Error ? e.message : String(e)
      if (!isTransientJsError(e) || log.closed) throw new ClusterError(ClusterErrorCode.appendFailed, `${what}: ${why}`, { cause: e })
      if (Date.now() >= deadline) {
        throw new ClusterError(
          ClusterErrorCode.appendFailed,
          `${what} within ${deadlineMs} ms: ${why} (the claims stream has no leader: check that a majority of the nats-servers are up, ` +
            `joined in one cluster with JetStream enabled, e.g. their /healthz and /jsz)`,
          { cause: e },
        )
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1000)))
    }
  }
}

/** Live claims (nodes that refreshed within the TTL), for ranking candidates and for status. */
export async function liveClaims(log: ClusterLog): Promise<ClaimValue[]> {
  const info = await log.jsm.streams.info(log.names.nodesStream, { subjects_filter: log.names.nodeSubjects })
  const out: ClaimValue[] = []
  const deadline = Date.now() + 15_000
  for (const subject of Object.keys(info.state.subjects ?? {}).sort()) {
    const m = await untilLeader(log, deadline, 15_000, `could not read the claim ${subject}`, () => lastClaim(log, subject))
    const v = m === undefined ? undefined : parseClaim(m)
    if (v !== undefined) out.push(v)
  }
  return out
}
