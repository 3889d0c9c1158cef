// Reading the log in order from a stream sequence, for followers (and a leader catching up before it takes
// over). An ordered consumer: the client creates a throw-away consumer starting at the next sequence it
// needs, checks that every delivery is the next one, and recreates the consumer from there on any gap,
// missed heartbeat or server loss — so the tail survives the loss of a nats-server (the consumer is
// recreated on a surviving one) and never delivers an entry twice or out of order.
//
//   stream  … 41 42 43 44 …  ──ordered consumer (flow: up to `batch` entries per pull)──▶  onEntry(e)
//                                                                                         (awaited: backpressure)
//
// The entry handed to onEntry is one object reused for every entry, and its `data` belongs to the client
// library: both are valid only during the call. Copy what you keep.

import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream'
import type { ClusterLog } from './cluster-log.js'
import { type EntryKind, HEADER_EPOCH, HEADER_KIND, HEADER_MSG_ID, parseEntryKind, parseSafeUint } from './entry-descriptor.js'
import { ClusterError, ClusterErrorCode } from './errors.js'
import { isTransientJsError } from './pub-ack.js'

export interface TailEntry {
  /** Stream sequence. */
  seq: number
  subject: string
  /** Ordo-Kind, undefined when the message has none (not an ordo entry). */
  kind: EntryKind | undefined
  /** Ordo-Epoch, -1 when absent or malformed. */
  epoch: number
  msgId: string
  data: Uint8Array
  /** Entries in the stream after this one when it was delivered: 0 = this was the end of the log. */
  pending: number
}

export interface TailOptions {
  /** First stream seq to deliver (1 for the whole log). */
  readonly fromSeq: number
  /** Called for each entry in order; a returned promise is awaited before the next entry. */
  readonly onEntry: (e: TailEntry) => void | Promise<void>
  /** Called once if the tail ends with an error (onEntry threw, the connection closed). */
  readonly onError?: (e: Error) => void
  /** Entries requested per pull; default 512. */
  readonly batch?: number
  /** How long start() keeps retrying while JetStream cannot create the consumer (a server just died, its
   *  meta group is electing); default 30 000 ms. */
  readonly startTimeoutMs?: number
}

export class LogTail {
  #lastSeq: number
  #pending = -1
  #lastEntryAt = 0
  #messages: ConsumerMessages | undefined
  #stopped = false
  #done: Promise<void> = Promise.resolve()

  private constructor(fromSeq: number) {
    this.#lastSeq = fromSeq - 1
  }

  /** Resolves when the tail has ended (stop(), or an error reported to onError). */
  get done(): Promise<void> {
    return this.#done
  }

  /** Stream seq of the last entry delivered (fromSeq - 1 before the first). */
  get lastSeq(): number {
    return this.#lastSeq
  }

  /** True once an entry was delivered with nothing after it (the tail reached the log's end at that moment). */
  get caughtUp(): boolean {
    return this.#pending === 0
  }

  /** performance.now() of the last delivery (0 before the first). */
  get lastEntryAt(): number {
    return this.#lastEntryAt
  }

  /** Stops reading; resolves when the consumer is closed. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#messages?.close().catch(() => undefined)
    await this.#done
  }

  static async start(log: ClusterLog, o: TailOptions): Promise<LogTail> {
    if (!Number.isSafeInteger(o.fromSeq) || o.fromSeq < 1) {
      throw new ClusterError(ClusterErrorCode.badArgument, `fromSeq must be >= 1: fromSeq=${String(o.fromSeq)}`)
    }
    const tail = new LogTail(o.fromSeq)
    const messages = await openConsumer(log, o.fromSeq, o.batch ?? 512, o.startTimeoutMs ?? 30_000)
    tail.#messages = messages
    const entry: TailEntry = { seq: 0, subject: '', kind: undefined, epoch: -1, msgId: '', data: EMPTY, pending: 0 }
    tail.#done = (async () => {
      try {
        for await (const m of messages) {
          if (tail.#stopped) break
          const h = m.headers
          entry.seq = m.seq
          entry.subject = m.subject
          entry.kind = parseEntryKind(h?.get(HEADER_KIND))
          entry.epoch = parseSafeUint(h?.get(HEADER_EPOCH))
          entry.msgId = h?.get(HEADER_MSG_ID) ?? ''
          entry.data = m.data
          entry.pending = m.info.pending
          const r = o.onEntry(entry)
          if (r !== undefined) await r
          entry.data = EMPTY
          tail.#lastSeq = m.seq
          tail.#pending = m.info.pending
          tail.#lastEntryAt = performance.now()
        }
      } catch (e) {
        if (!tail.#stopped) o.onError?.(e instanceof Error ? e : new Error(String(e)))
      } finally {
        await messages.close().catch(() => undefined)
      }
    })()
    return tail
  }
}

const EMPTY = new Uint8Array(0)

/** Creating a consumer is a JetStream API call: it times out or finds no responders while a server is lost. */
async function openConsumer(log: ClusterLog, fromSeq: number, batch: number, timeoutMs: number): Promise<ConsumerMessages> {
  const deadline = performance.now() + timeoutMs
  for (let attempt = 0; ; attempt++) {
    try {
      const consumer = await log.js.consumers.get(log.names.logStream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: fromSeq,
      })
      // expires 2 s: idle heartbeats every 1 s, so a consumer lost with its server is noticed (two missed
      // heartbeats) and recreated within a few seconds instead of the default 30 s.
      return await consumer.consume({ max_messages: batch, expires: 2000 })
    } catch (e) {
      if (!isTransientJsError(e) || log.closed || performance.now() > deadline) {
        throw new ClusterError(
          ClusterErrorCode.unreachable,
          `could not start reading the log at seq=${fromSeq} within ${timeoutMs} ms: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        )
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1000)))
    }
  }
}
