// Reading the log in order from a stream sequence, for followers (and a leader catching up before it takes
// over). An ordered consumer: the client creates a throw-away consumer starting at the next sequence it
// needs, checks that every delivery is the next one, and recreates the consumer on a gap.
//
//   stream  … 41 42 43 44 …  ──ordered consumer (up to `batch` entries per pull)──▶  onEntry(e)  (awaited)
//                                   ▲ recreated from lastSeq + 1 when it stalls
//
// One thing the client library does not survive: the loss of the nats-server that hosts the consumer itself
// (an ephemeral consumer has one replica). After a reconnect it keeps asking that consumer for its state and
// never recreates it. So the tail watches its own progress: when it has delivered nothing for two checks
// (`stallCheckMs` apart) while the stream holds entries past the last one delivered, it drops the consumer
// and starts a new one from lastSeq + 1 — no gap, no repeat, on a surviving server.
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
  /** Called once if the tail ends with an error (onEntry threw, or the log stayed unreadable for startTimeoutMs). */
  readonly onError?: (e: Error) => void
  /** Entries requested per pull; default 512. */
  readonly batch?: number
  /** How long (re)starting keeps retrying while JetStream cannot create the consumer; default 30 000 ms. */
  readonly startTimeoutMs?: number
  /** Progress check period; two checks without progress while entries wait restart the consumer. Default 1000 ms. */
  readonly stallCheckMs?: number
}

export class LogTail {
  readonly #log: ClusterLog
  readonly #o: TailOptions
  #lastSeq: number
  #pending = -1
  #lastEntryAt = 0
  #messages: ConsumerMessages | undefined
  #stopped = false
  #done: Promise<void> = Promise.resolve()
  #inHandler = false
  #progressed = false
  #stalls = 0
  #checking = false
  #restarts = 0
  #timer: NodeJS.Timeout | undefined

  private constructor(log: ClusterLog, o: TailOptions) {
    this.#log = log
    this.#o = o
    this.#lastSeq = o.fromSeq - 1
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

  /** Times the consumer was dropped and recreated because it stalled. */
  get restarts(): number {
    return this.#restarts
  }

  /** Stops reading; resolves when the consumer is closed. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.#messages?.close().catch(() => undefined)
    await this.#done
  }

  static async start(log: ClusterLog, o: TailOptions): Promise<LogTail> {
    if (!Number.isSafeInteger(o.fromSeq) || o.fromSeq < 1) {
      throw new ClusterError(ClusterErrorCode.badArgument, `fromSeq must be >= 1: fromSeq=${String(o.fromSeq)}`)
    }
    const tail = new LogTail(log, o)
    // The first consumer is created here, so that start() reports an unreadable log to its caller.
    const first = await openConsumer(log, o.fromSeq, o.batch ?? 512, o.startTimeoutMs ?? 30_000)
    tail.#done = tail.#run(first)
    tail.#timer = setInterval(() => void tail.#checkProgress(), o.stallCheckMs ?? 1000)
    tail.#timer.unref()
    return tail
  }

  async #run(first: ConsumerMessages): Promise<void> {
    const entry: TailEntry = { seq: 0, subject: '', kind: undefined, epoch: -1, msgId: '', data: EMPTY, pending: 0 }
    let messages: ConsumerMessages | undefined = first
    try {
      while (!this.#stopped) {
        messages ??= await openConsumer(this.#log, this.#lastSeq + 1, this.#o.batch ?? 512, this.#o.startTimeoutMs ?? 30_000)
        this.#messages = messages
        try {
          for await (const m of messages) {
            if (this.#stopped) break
            // A recreated consumer starts at lastSeq + 1; anything else would be a repeat (never delivered).
            if (m.seq <= this.#lastSeq) continue
            const h = m.headers
            entry.seq = m.seq
            entry.subject = m.subject
            entry.kind = parseEntryKind(h?.get(HEADER_KIND))
            entry.epoch = parseSafeUint(h?.get(HEADER_EPOCH))
            entry.msgId = h?.get(HEADER_MSG_ID) ?? ''
            entry.data = m.data
            entry.pending = m.info.pending
            this.#inHandler = true
            try {
              const r = this.#o.onEntry(entry)
              if (r !== undefined) await r
            } catch (e) {
              throw new HandlerError(e)
            } finally {
              this.#inHandler = false
            }
            entry.data = EMPTY
            this.#lastSeq = m.seq
            this.#pending = m.info.pending
            this.#lastEntryAt = performance.now()
            this.#progressed = true
          }
        } catch (e) {
          if (e instanceof HandlerError) throw e.cause
          // The library gave up on this consumer: start a new one from lastSeq + 1.
        } finally {
          await messages.close().catch(() => undefined)
          messages = undefined
        }
        if (!this.#stopped) await new Promise((r) => setTimeout(r, 100))
      }
    } catch (e) {
      if (!this.#stopped) this.#o.onError?.(e instanceof Error ? e : new Error(String(e)))
    } finally {
      this.#stopped = true
      if (this.#timer !== undefined) clearInterval(this.#timer)
    }
  }

  async #checkProgress(): Promise<void> {
    if (this.#stopped || this.#checking) return
    if (this.#progressed || this.#inHandler) {
      this.#progressed = false
      this.#stalls = 0
      return
    }
    this.#checking = true
    try {
      const last = await this.#log.lastSeq()
      if (last > this.#lastSeq) this.#stalls++
      else this.#stalls = 0
      if (this.#stalls >= 2 && !this.#stopped) {
        this.#stalls = 0
        this.#restarts++
        await this.#messages?.close().catch(() => undefined)
      }
    } catch {
      // The stream's state is not readable right now (a server just died): check again next period.
    } finally {
      this.#checking = false
    }
  }
}

/** Carries an onEntry failure through the consumer loop, which otherwise treats errors as the library's. */
class HandlerError extends Error {
  constructor(cause: unknown) {
    super('entry handler failed', { cause })
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
      // expires 2 s: idle heartbeats every 1 s, so the library notices a lost consumer sooner than with 30 s.
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
