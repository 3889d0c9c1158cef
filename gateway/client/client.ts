// The ordo client: one WebSocket to a gateway, reconnecting by itself.
//
//   connect() ──▶ socket open ──Hello(token, publisher)──▶ Welcome
//                     ▲                                     │ resend unacknowledged publishes,
//                     │ backoff                             │ resolve pending names again,
//                     └──── close / error / silence ◀───────┘ resubscribe from last gsn + 1
//
// The publisher id is asked for once (0 = let the server pick) and reused on
// every reconnect, so the server can deduplicate resends by (publisher, pseq).
// Runs in Node.js and in browsers: no node: imports here or below.

import { BodyType, decodeFrame, encodeHello, makeLimits, MessageCursor, Verdict, verifyFrame } from '../../codec/index.js'
import { viewOf } from '../../codec/byte-view.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { readPublishAck } from '../../codec/publish-ack.js'
import { Backoff, type BackoffOptions } from './backoff.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import { GroupResolver, type Link } from './group-resolver.js'
import { PublishQueue, type ClientPublishResult, type PublishItem } from './publish-queue.js'
import { SubscriptionSet, type ClientDeliverHandler, type ClientSubscribeOptions, type ClientSubscription } from './subscriptions.js'
import { defaultWebSocket, OPEN, type WebSocketCtor, type WebSocketLike } from './transport.js'

export interface ConnectOptions {
  /** Access token (ordo token); omit for a server in open mode. */
  token?: string
  /** Publisher id to use; 0 or omitted: the server assigns one, kept across reconnects. */
  publisher?: bigint | number
  /** WebSocket constructor; default: globalThis.WebSocket, else the `ws` package. */
  WebSocket?: WebSocketCtor
  /** Reconnect delays. */
  backoff?: BackoffOptions
  /** connect() fails if no Welcome arrives within this time, ms (retrying meanwhile). Default 15000. */
  connectTimeoutMs?: number
  /** false: connect() fails at once when the first attempt cannot connect (command-line tools). Default true. */
  retryFirstConnect?: boolean
  /** The connection is considered dead after this long without any frame, ms. Default 20000 (server heartbeats every 5 s). */
  livenessMs?: number
  /** In-flight publish window, messages. Default 16 384. */
  maxInFlight?: number
  /** Most messages per Publish frame. Default 1024. */
  maxFrameMessages?: number
  /** Target Publish frame size, bytes. Default 256 KiB. */
  maxFrameBytes?: number
  /** Errors not tied to a call (server errors, subscription errors without onError, reconnects). */
  onError?: (err: OrdoError) => void
  /** Connection state changes ('connected' after each Welcome, 'disconnected', 'closed'). */
  onState?: (state: 'connected' | 'disconnected' | 'closed') => void
}

// Frames from the server can be large (Deliver batches); the server enforces payload limits.
const FRAME_LIMITS = makeLimits({ maxFrameBytes: 256 * 1024 * 1024, maxMessages: 1 << 22, maxPayload: 64 * 1024 * 1024 })

const SUBSCRIPTION_CODES: ReadonlySet<number> = new Set([ErrorCode.TOO_MANY_SUBSCRIPTIONS, ErrorCode.DUPLICATE_SUBSCRIPTION_ID, ErrorCode.UNKNOWN_SUBSCRIPTION])
const RESOLVE_CODES: ReadonlySet<number> = new Set([ErrorCode.BAD_GROUP_NAME, ErrorCode.FORBIDDEN_GROUP, ErrorCode.UNKNOWN_GROUP])
/** Refusals of one message whose later messages must be renumbered. */
const RENUMBER_CODES: ReadonlySet<number> = new Set([
  ErrorCode.FORBIDDEN_GROUP,
  ErrorCode.UNKNOWN_GROUP,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.TOO_MANY_GROUPS,
  ErrorCode.EMPTY_GROUPS,
  ErrorCode.BAD_PUBLISHER,
  ErrorCode.INTERNAL,
])

/**
 * The server's journal cannot write (a full disk, an I/O error). The message is fine: it
 * stays in flight and is sent again with the same pseq after a pause (what the server
 * stored meanwhile is deduplicated), until the server takes it. onError hears it once per
 * episode.
 */
const RETRY_CODES: ReadonlySet<number> = new Set([ErrorCode.DISK_FULL, ErrorCode.JOURNAL_IO])
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 5000

export class Client implements Link {
  private ws: WebSocketLike | null = null
  private welcomed = false
  private closing = false
  private fatal: OrdoError | null = null
  private readonly backoff: Backoff
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  /** A resend of everything in flight, after a DISK_FULL / JOURNAL_IO refusal. */
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private retryDelayMs = 0
  private livenessTimer: ReturnType<typeof setInterval> | null = null
  private lastFrameAt = 0
  private readonly verdict = new Verdict()
  private readonly cursor = new MessageCursor()
  private readonly resolver: GroupResolver
  private readonly publishes: PublishQueue
  private readonly subscriptions: SubscriptionSet
  private firstWelcome: { resolve: () => void; reject: (e: Error) => void } | null = null
  private closedWaiters: (() => void)[] = []
  /** Publisher id (after the first Welcome). */
  publisher = 0n
  /** Highest durable gsn the server reported. */
  durableGsn = 0n
  maxPayload = 0
  maxGroups = 0
  /** Successful connections so far (1 after connect(); more after reconnects). */
  connections = 0

  private constructor(
    readonly url: string,
    private readonly options: ConnectOptions,
    private readonly WS: WebSocketCtor,
  ) {
    this.backoff = new Backoff(options.backoff)
    this.publisher = BigInt(options.publisher ?? 0)
    this.resolver = new GroupResolver(this)
    this.publishes = new PublishQueue(this, this.resolver, {
      maxInFlight: options.maxInFlight ?? 16384,
      maxFrameMessages: options.maxFrameMessages ?? 1024,
      maxFrameBytes: options.maxFrameBytes ?? 256 * 1024,
    })
    this.subscriptions = new SubscriptionSet(this, this.resolver, this.cursor, (e) => this.report(e))
  }

  /** Connects and resolves once the server's Welcome arrived (retrying with backoff until connectTimeoutMs). */
  static async connect(url: string, options: ConnectOptions = {}): Promise<Client> {
    const WS = options.WebSocket ?? (await defaultWebSocket())
    const c = new Client(url, options, WS)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        c.firstWelcome = null
        const err = new OrdoError(ClientErrorCode.CONNECT_FAILED, `no Welcome from ${url} within ${options.connectTimeoutMs ?? 15000} ms`)
        void c.close()
        reject(err)
      }, options.connectTimeoutMs ?? 15000)
      c.firstWelcome = {
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      }
      c.openSocket()
    })
    c.livenessTimer = setInterval(() => c.checkLiveness(), Math.max(1000, (options.livenessMs ?? 20000) / 4))
    return c
  }

  /** Link: connected and welcomed. */
  get open(): boolean {
    return this.welcomed && this.ws !== null && this.ws.readyState === OPEN
  }

  send(frame: Uint8Array): boolean {
    if (this.ws === null || this.ws.readyState !== OPEN) return false
    this.ws.send(frame)
    return true
  }

  /** Publishes one message; resolves with its gsn once it is durable at the server. */
  publish(groups: readonly string[], payload: Uint8Array | string): Promise<ClientPublishResult> {
    if (this.fatal !== null || this.closing) return Promise.reject(this.fatal ?? closed())
    return this.publishes.publish(groups, payload)
  }

  /** Publishes several messages (in order); resolves when all are durable. */
  publishBatch(items: readonly PublishItem[]): Promise<ClientPublishResult[]> {
    return Promise.all(items.map((i) => this.publish(i.groups, i.payload)))
  }

  /** Subscribes; resolves once the server confirmed (Subscribed). The handler gets each message once, in gsn order. */
  subscribe(groups: readonly string[], options: ClientSubscribeOptions, handler: ClientDeliverHandler): Promise<ClientSubscription> {
    if (this.fatal !== null || this.closing) return Promise.reject(this.fatal ?? closed())
    return this.subscriptions.add(groups, options, handler)
  }

  /** Group ids for names (created when missing), cached. */
  resolveGroups(names: readonly string[]): Promise<number[]> {
    return this.resolver.resolve(names)
  }

  /** Name of a group id this client has resolved or received. */
  groupName(id: number): string | undefined {
    return this.resolver.nameOf(id)
  }

  /** Messages sent and not yet acknowledged, plus those waiting to be sent. */
  get unacknowledged(): number {
    return this.publishes.inFlightCount + this.publishes.waitingCount
  }

  /** Resolves when every publish so far is acknowledged (or failed). */
  flush(): Promise<void> {
    return this.publishes.idle()
  }

  /** Closes for good: pending publishes and subscriptions fail with CLOSED. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true
      if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer)
      if (this.livenessTimer !== null) clearInterval(this.livenessTimer)
      if (this.retryTimer !== null) clearTimeout(this.retryTimer)
      this.retryTimer = null
      this.reconnectTimer = null
      this.livenessTimer = null
      const err = closed()
      this.publishes.failAll(err)
      this.subscriptions.failAll(err)
      this.resolver.failAll(err)
      this.firstWelcome?.reject(err)
      this.firstWelcome = null
    }
    const ws = this.ws
    if (ws === null) {
      this.options.onState?.('closed')
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.closedWaiters.push(resolve)
      try {
        ws.close(1000, 'client closed')
      } catch {
        resolve()
      }
    })
  }

  /** Drops the socket as if the network failed (tests); the client reconnects by itself. */
  disconnect(): void {
    try {
      this.ws?.close(4999, 'client disconnect')
    } catch {
      /* already closing */
    }
  }

  private openSocket(): void {
    this.reconnectTimer = null
    if (this.closing) return
    let ws: WebSocketLike
    try {
      ws = new this.WS(this.url)
    } catch (err) {
      this.fatal = new OrdoError(ClientErrorCode.CONNECT_FAILED, `cannot open ${this.url}: ${err instanceof Error ? err.message : String(err)}`)
      this.firstWelcome?.reject(this.fatal)
      return
    }
    ws.binaryType = 'arraybuffer'
    this.ws = ws
    this.welcomed = false
    ws.onopen = () => {
      this.lastFrameAt = Date.now()
      ws.send(encodeHello({ token: this.options.token ?? '', publisher: this.publisher }))
    }
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return
      this.lastFrameAt = Date.now()
      const data = ev.data
      if (data instanceof ArrayBuffer) this.onFrame(new Uint8Array(data))
      else if (ArrayBuffer.isView(data)) this.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    }
    ws.onerror = () => {}
    ws.onclose = (ev) => {
      if (this.ws === ws) this.onSocketClosed(ev.code, ev.reason)
      const w = this.closedWaiters
      this.closedWaiters = []
      for (const f of w) f()
    }
  }

  private onSocketClosed(code: number, reason: string): void {
    const wasWelcomed = this.welcomed
    this.ws = null
    this.welcomed = false
    this.resolver.connectionLost()
    if (this.closing || this.fatal !== null) {
      this.options.onState?.('closed')
      return
    }
    if (wasWelcomed) this.options.onState?.('disconnected')
    if (this.connections === 0 && this.options.retryFirstConnect === false && this.firstWelcome !== null) {
      const err = new OrdoError(ClientErrorCode.CONNECT_FAILED, `cannot connect to ${this.url} (close ${code}${reason === '' ? '' : ` ${reason}`})`)
      this.fatal = err
      this.firstWelcome.reject(err)
      this.firstWelcome = null
      this.options.onState?.('closed')
      return
    }
    const delay = this.backoff.next()
    if (wasWelcomed && code !== 1000) this.report(new OrdoError(ErrorCode.GOING_AWAY, `connection lost (close ${code} ${reason}); reconnecting in ${Math.round(delay)} ms`))
    this.reconnectTimer = setTimeout(() => this.openSocket(), delay)
  }

  private checkLiveness(): void {
    if (!this.open) return
    if (Date.now() - this.lastFrameAt > (this.options.livenessMs ?? 20000)) {
      this.report(new OrdoError(ErrorCode.GOING_AWAY, 'no frame from the server for too long: reconnecting'))
      this.disconnect()
    }
  }

  private onFrame(bytes: Uint8Array): void {
    const v = this.verdict
    if (verifyFrame(bytes, 0, bytes.length, FRAME_LIMITS, v) !== 0) {
      this.report(new OrdoError(ErrorCode.BAD_FRAME, `bad frame from the server: ${v.toString()}`))
      this.disconnect()
      return
    }
    switch (v.bodyType) {
      case BodyType.Deliver: {
        this.cursor.reset(bytes, 0, bytes.length, v)
        this.subscriptions.onDeliver(bytes, 0, bytes.length, this.cursor.subscription)
        return
      }
      case BodyType.PublishAck:
        readPublishAck(viewOf(bytes), 0, this.publishes)
        this.retryDelayMs = 0 // the server takes publishes again
        this.publishes.afterAcks()
        return
      default:
        this.onControl(bytes)
    }
  }

  private onControl(bytes: Uint8Array): void {
    const f = decodeFrame(bytes, FRAME_LIMITS)
    switch (f.type) {
      case 'Welcome':
        this.onWelcome(f.publisher, f.maxPayload, f.maxGroups, f.durableGsn)
        return
      case 'Groups':
        this.resolver.onGroups(f.names, f.ids)
        return
      case 'Subscribed':
        this.subscriptions.onSubscribed(f.id, Number(f.nextGsn))
        return
      case 'Heartbeat':
        if (f.durableGsn > this.durableGsn) this.durableGsn = f.durableGsn
        return
      case 'Error':
        this.onError(f.code, f.message, f.ref)
        return
      default:
        return
    }
  }

  private onWelcome(publisher: bigint, maxPayload: number, maxGroups: number, durableGsn: bigint): void {
    this.welcomed = true
    this.publisher = publisher
    this.publishes.publisher = Number(publisher)
    this.publishes.maxPayload = maxPayload
    this.publishes.maxGroups = maxGroups
    this.maxPayload = maxPayload
    this.maxGroups = maxGroups
    if (durableGsn > this.durableGsn) this.durableGsn = durableGsn
    this.connections++
    this.backoff.reset()
    this.resolver.sendUnsent()
    this.publishes.resendAll()
    this.subscriptions.resubscribeAll()
    this.options.onState?.('connected')
    const first = this.firstWelcome
    this.firstWelcome = null
    first?.resolve()
  }

  private onError(code: number, message: string, ref: bigint): void {
    const err = new OrdoError(code, message, ref)
    const r = Number(ref)
    if (code === ErrorCode.BAD_TOKEN || code === ErrorCode.PUBLISHER_TAKEN) {
      // Fatal: retrying with the same token (or publisher id) cannot succeed.
      this.fatal = err
      this.firstWelcome?.reject(err)
      this.firstWelcome = null
      this.publishes.failAll(err)
      this.subscriptions.failAll(err)
      this.resolver.failAll(err)
      this.report(err)
      return
    }
    if (code === ErrorCode.PSEQ_GAP) {
      this.publishes.gapErrors++
      return
    }
    if (r === 0 && RESOLVE_CODES.has(code) && this.resolver.onRefused(err)) return
    if (SUBSCRIPTION_CODES.has(code) && this.subscriptions.onRefused(r, err)) return
    // A subscription ended by the engine names itself in the message (ref is a gsn then).
    const m = /^subscription (\d+):/.exec(message)
    if (m !== null && this.subscriptions.onRefused(Number(m[1]), err)) return
    if (r !== 0 && (code === ErrorCode.FORBIDDEN_GROUP || code === ErrorCode.UNKNOWN_GROUP || code === ErrorCode.EMPTY_GROUPS)) {
      // ref is a subscription id or a pseq; the server's text says which when both could match.
      const pendingSub = this.subscriptions.isPending(r)
      const inFlight = this.publishes.hasInFlight(r)
      if (pendingSub && (!inFlight || message.includes(`subscription=${r}`))) {
        this.subscriptions.onRefused(r, err)
        return
      }
    }
    if (r !== 0 && RETRY_CODES.has(code) && this.publishes.hasInFlight(r)) {
      this.retryLater(err)
      return
    }
    if (r !== 0 && RENUMBER_CODES.has(code) && this.publishes.onRefused(r, err, true)) return
    if (r !== 0 && code === ErrorCode.DUPLICATE_OUTSIDE_WINDOW && this.publishes.onRefused(r, err, false)) return
    // GOING_AWAY, SLOW_CONSUMER, OVERLOADED...: the server closes and the client
    // reconnects and resumes by itself; a planned shutdown is not worth a report.
    if (code !== ErrorCode.GOING_AWAY) this.report(err)
  }

  /** Sends everything in flight again (same pseqs) after a growing pause; one report per episode. */
  private retryLater(err: OrdoError): void {
    if (this.retryTimer !== null) return
    if (this.retryDelayMs === 0) this.report(err)
    this.retryDelayMs = Math.min(Math.max(RETRY_FIRST_MS, this.retryDelayMs * 2), RETRY_MAX_MS)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.welcomed && !this.closing) this.publishes.resendAll()
    }, this.retryDelayMs)
  }

  private report(err: OrdoError): void {
    this.options.onError?.(err)
  }
}

function closed(): OrdoError {
  return new OrdoError(ClientErrorCode.CLOSED, 'client closed')
}

/** Connects to an ordo gateway (e.g. 'ws://127.0.0.1:7070/'). See ConnectOptions. */
export function connect(url: string, options: ConnectOptions = {}): Promise<Client> {
  return Client.connect(url, options)
}
