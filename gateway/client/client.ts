// The ordo client: one WebSocket to a gateway (or to the node of a cluster that
// suits it), reconnecting by itself.
//
//   connect(urls) ──▶ Session: socket ──Hello(token, publisher)──▶ Welcome
//                                    ▲                              │ resend unsettled publishes, resolve
//                                    │ backoff / move to the leader │ pending names again, resubscribe
//                                    └── close / error / silence ◀──┘ from last gsn + 1
//
// The publisher id is asked for once (0 = let the server pick) and reused on
// every reconnect, so the server can deduplicate resends by (publisher, pseq).
// Runs in Node.js and in browsers: no node: imports here or below.

import { BodyType, decodeFrame, makeLimits, MessageCursor, Verdict, verifyFrame, type WireFrame } from '../../codec/index.js'
import { viewOf } from '../../codec/byte-view.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { readPublishAck } from '../../codec/publish-ack.js'
import type { ConnectOptions } from './connect-options.js'
import { Endpoints, type Role } from './endpoints.js'
import { routeServerError, type ErrorTargets } from './error-routing.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import { GroupResolver, type Link } from './group-resolver.js'
import type { PublishBatchResult } from './publish-batch.js'
import { PublishQueue, type ClientPublishResult, type PublishItem, type PublishLink } from './publish-queue.js'
import { RetryPause } from './retry-pause.js'
import { Session, type SessionOwner } from './session.js'
import { SubscriptionStream, type SubscriptionStreamOptions } from './subscription-stream.js'
import { SubscriptionSet, type ClientDeliverHandler, type ClientSubscribeOptions, type ClientSubscription } from './subscriptions.js'
import { defaultWebSocket, type WebSocketCtor } from './transport.js'

export type { ConnectOptions } from './connect-options.js'


// Frames from the server can be large (Deliver batches); the server enforces payload limits.
const FRAME_LIMITS = makeLimits({ maxFrameBytes: 256 * 1024 * 1024, maxMessages: 1 << 22, maxPayload: 64 * 1024 * 1024 })

export class Client implements Link, PublishLink, SessionOwner {
  private readonly endpoints: Endpoints
  private readonly session: Session
  private closing = false
  private fatal: OrdoError | null = null
  /** First-connect attempts that failed (with retryFirstConnect: false, one per URL before giving up). */
  private firstAttemptsFailed = 0
  /** Publishes refused while the server's journal cannot write wait here before going out again. */
  private readonly retry: RetryPause
  private readonly verdict = new Verdict()
  private readonly cursor = new MessageCursor()
  private readonly resolver: GroupResolver
  private readonly publishes: PublishQueue
  private readonly subscriptions: SubscriptionSet
  private readonly errorTargets: ErrorTargets
  private firstWelcome: { resolve: () => void; reject: (e: Error) => void } | null = null
  private readonly closedPromise: Promise<OrdoError | undefined>
  private resolveClosed: (e: OrdoError | undefined) => void = () => {}
  private published = false
  /** The URL of the server that assigned the publisher id ('' when the user chose it, or before the first Welcome). */
  private assignedBy = ''
  /** The next Welcome brings a replacement publisher id: unsettled publishes are renumbered under it. */
  private renumberOnWelcome = false
  /** Publisher id (after the first Welcome). */
  publisher = 0n
  /** Highest durable gsn the server reported. */
  durableGsn = 0n
  maxPayload = 0
  maxGroups = 0
  /** Successful connections so far (1 after connect(); more after reconnects). */
  connections = 0
  /** The connected node's role ('standalone' for a server outside a cluster), name and epoch, from its Welcome. */
  role: Role = 'standalone'
  node = ''
  epoch = 0n

  private constructor(urls: string | readonly string[], private readonly options: ConnectOptions, WS: WebSocketCtor) {
    this.endpoints = new Endpoints(urls)
    this.publisher = BigInt(options.publisher ?? 0)
    this.resolver = new GroupResolver(this)
    this.publishes = new PublishQueue(
      this,
      this.resolver,
      { maxInFlight: options.maxInFlight ?? 16384, maxFrameMessages: options.maxFrameMessages ?? 1024, maxFrameBytes: options.maxFrameBytes ?? 256 * 1024 },
      (err, seq) => (options.onSendError ?? ((e: OrdoError) => this.report(e)))(err, seq),
    )
    this.subscriptions = new SubscriptionSet(this, this.resolver, this.cursor, (e) => this.report(e))
    this.session = new Session(this.endpoints, WS, options, this)
    this.retry = new RetryPause(
      () => {
        if (this.session.open && !this.closing) this.publishes.resendAll()
      },
      (e) => this.report(e as OrdoError),
    )
    const client = this
    this.errorTargets = {
      subscriptions: this.subscriptions,
      resolver: this.resolver,
      publishes: this.publishes,
      get refreshesToken() {
        return options.getToken !== undefined && client.connections > 0
      },
      publisherElsewhere: (err) => this.publisherElsewhere(err),
      notLeader: (leaderUrl) => {
        this.endpoints.notLeader(leaderUrl)
        this.reopen(leaderUrl === '' ? undefined : 0)
      },
      retryLater: (e) => this.retry.refused(e),
      fail: (e) => this.fail(e),
      report: (e) => this.report(e),
    }
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve))
  }

  /** Connects and resolves once a server's Welcome arrived (trying the URLs in turn until connectTimeoutMs). */
  static async connect(urls: string | readonly string[], options: ConnectOptions = {}): Promise<Client> {
    const WS = options.WebSocket ?? (await defaultWebSocket())
    const c = new Client(urls, options, WS)
    const timeoutMs = options.connectTimeoutMs ?? 15000
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        c.firstWelcome = null
        const err = new OrdoError(ClientErrorCode.CONNECT_FAILED, `no Welcome from ${c.endpoints.all.join(', ')} within ${timeoutMs} ms`)
        void c.close()
        reject(err)
      }, timeoutMs)
      const settle = (f: () => void): void => {
        clearTimeout(timer)
        f()
      }
      c.firstWelcome = { resolve: () => settle(resolve), reject: (e) => settle(() => reject(e)) }
      c.session.start()
    })
    return c
  }

  /** The URL of the server this client is connected (or connecting) to. */
  get url(): string {
    return this.endpoints.current
  }

  /** The leader's URL as the cluster last told it ('' outside a cluster or while none is known). */
  get leaderUrl(): string {
    return this.endpoints.leaderUrl
  }

  /** Link: connected and welcomed. */
  get open(): boolean {
    return this.session.open
  }

  get helloPublisher(): bigint {
    return this.publisher
  }

  sendControl(frame: Uint8Array): boolean {
    return this.session.send(frame, null)
  }

  sendFrame(frame: Uint8Array, onWritten: () => void): void {
    this.session.send(frame, onWritten)
  }

  /** Publishes one message; resolves with its gsn once it is durable at the server. The payload is copied at once. */
  publish(groups: readonly string[], payload: Uint8Array | string): Promise<ClientPublishResult> {
    if (this.fatal !== null || this.closing) return Promise.reject(this.fatal ?? closed())
    if (!this.published) this.startPublishing()
    return this.publishes.publish(groups, payload)
  }

  /** publish() of a UTF-8 text. */
  publishText(groups: readonly string[], text: string): Promise<ClientPublishResult> {
    if (typeof text !== 'string') return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, `publishText takes a string, not ${typeof text}`))
    return this.publish(groups, text)
  }

  /** publish() of JSON.stringify(value). */
  publishJson(groups: readonly string[], value: unknown): Promise<ClientPublishResult> {
    let text: string | undefined
    try {
      text = JSON.stringify(value)
    } catch (err) {
      return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, `publishJson: value cannot be serialised: ${err instanceof Error ? err.message : String(err)}`, 0n, { cause: err }))
    }
    if (text === undefined) return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'publishJson: value has no JSON form (undefined, a function or a symbol)'))
    return this.publish(groups, text)
  }

  /**
   * Publishes without a promise: returns the message's seq (1, 2, 3... per client, counting every publish; equal
   * to its pseq unless an earlier message was refused). `acked` says how far messages are settled; flush() waits
   * for all; failures go to onSendError. Throws OrdoError for a message that cannot be sent at all.
   */
  send(groups: readonly string[], payload: Uint8Array | string): number {
    if (this.fatal !== null || this.closing) throw this.fatal ?? closed()
    if (!this.published) this.startPublishing()
    return this.publishes.send(groups, payload)
  }

  /** Every message with seq <= acked is settled: acknowledged durable, or refused (and reported). */
  get acked(): number {
    return this.publishes.acked
  }

  /** Publishes several messages (in order, in few frames); resolves with their gsns when all are durable. */
  publishBatch(items: readonly PublishItem[]): Promise<PublishBatchResult>
  publishBatch(groups: readonly string[], payloads: readonly (Uint8Array | string)[]): Promise<PublishBatchResult>
  publishBatch(a: readonly PublishItem[] | readonly string[], payloads?: readonly (Uint8Array | string)[]): Promise<PublishBatchResult> {
    if (this.fatal !== null || this.closing) return Promise.reject(this.fatal ?? closed())
    if (!this.published) this.startPublishing()
    return payloads === undefined ? this.publishes.publishBatch(a as readonly PublishItem[]) : this.publishes.publishBatchTo(a as readonly string[], payloads)
  }

  /**
   * Subscribes. With a handler: resolves once the server confirmed; the handler gets each message once, in gsn
   * order, through a zero-copy cursor. Without one: an async iterator of messages (`for await`), with
   * back-pressure (options.maxBuffered).
   */
  subscribe(groups: readonly string[], options: ClientSubscribeOptions, handler: ClientDeliverHandler): Promise<ClientSubscription>
  subscribe(groups: readonly string[], options?: SubscriptionStreamOptions): SubscriptionStream
  subscribe(groups: readonly string[], options: SubscriptionStreamOptions = {}, handler?: ClientDeliverHandler): Promise<ClientSubscription> | SubscriptionStream {
    if (handler === undefined) {
      return new SubscriptionStream((h, setup) => {
        if (this.fatal !== null || this.closing) return Promise.reject(this.fatal ?? closed())
        return this.subscriptions.add(groups, options, h, setup)
      }, options)
    }
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

  /** Messages published and not settled yet (in flight, waiting for the window or for their group names). */
  get unacknowledged(): number {
    return this.publishes.unsettled
  }

  /** Resolves when every publish so far (or up to seq, as send() numbers them) is settled: acknowledged or failed. */
  flush(seq?: number): Promise<void> {
    return this.publishes.idle(seq)
  }

  /** Resolves once the client is closed for good: with undefined after close(), with the error that ended it otherwise. */
  closed(): Promise<OrdoError | undefined> {
    return this.closedPromise
  }

  /** Closes for good: pending publishes and subscriptions fail with CLOSED (iterators end). */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true
      this.retry.stop()
      const err = closed()
      this.publishes.failAll(err)
      this.subscriptions.failAll(err)
      this.resolver.failAll(err)
      this.firstWelcome?.reject(err)
      this.firstWelcome = null
      this.resolveClosed(this.fatal ?? undefined)
    }
    return this.session.close().then(() => this.options.onState?.('closed'))
  }

  /** Drops the socket as if the network failed (tests); the client reconnects by itself. */
  disconnect(): void {
    this.session.drop(4999, 'client disconnect')
  }

  /** The first publish: on a follower, publishing needs the leader. */
  private startPublishing(): void {
    this.published = true
    if (this.role === 'follower' && this.session.welcomed && this.endpoints.publishingOnFollower().action === 'move') this.reopen(0)
  }

  /** Leaves the current node for the one Endpoints chose (what was asked on this connection is asked again there). */
  private reopen(delayMs: number | undefined): void {
    this.resolver.connectionLost()
    this.session.reopen(delayMs)
  }

  onSocketClosed(code: number, reason: string, welcomed: boolean): void {
    this.resolver.connectionLost()
    if (this.closing || this.fatal !== null) return
    if (welcomed) this.options.onState?.('disconnected')
    if (this.connections === 0 && this.options.retryFirstConnect === false && this.firstWelcome !== null) {
      // Without retries, each given URL still gets one attempt (a list names standby nodes).
      if (++this.firstAttemptsFailed >= this.endpoints.all.length) {
        this.fail(new OrdoError(ClientErrorCode.CONNECT_FAILED, `cannot connect to ${this.endpoints.all.join(', ')} (last: ${this.url}, close ${code}${reason === '' ? '' : ` ${reason}`})`))
      } else this.session.schedule(0)
      return
    }
    const delay = this.session.schedule()
    if (welcomed && code !== 1000) this.report(new OrdoError(ErrorCode.GOING_AWAY, `connection lost (close ${code} ${reason}); reconnecting in ${Math.round(delay)} ms`))
  }

  onFatal(err: OrdoError): void {
    this.fail(err)
  }

  onFrame(bytes: Uint8Array): void {
    const v = this.verdict
    if (verifyFrame(bytes, 0, bytes.length, FRAME_LIMITS, v) !== 0) {
      this.report(new OrdoError(ErrorCode.BAD_FRAME, `bad frame from the server: ${v.toString()}`))
      this.disconnect()
      return
    }
    switch (v.bodyType) {
      case BodyType.Deliver:
        this.cursor.reset(bytes, 0, bytes.length, v)
        this.subscriptions.onDeliver(bytes, 0, bytes.length, this.cursor.subscription)
        return
      case BodyType.PublishAck:
        readPublishAck(viewOf(bytes), 0, this.publishes)
        this.retry.taken() // the server takes publishes again
        this.publishes.afterAcks()
        return
      default:
        this.onControl(decodeFrame(bytes, FRAME_LIMITS))
    }
  }

  private onControl(f: WireFrame): void {
    switch (f.type) {
      case 'Welcome':
        this.onWelcome(f)
        return
      case 'Groups':
        this.resolver.onGroups(f.names, f.ids)
        return
      case 'Subscribed':
        this.subscriptions.onSubscribed(f.id, Number(f.nextGsn), Number(f.ackedGsn ?? 0n))
        return
      case 'Heartbeat':
        if (f.durableGsn > this.durableGsn) this.durableGsn = f.durableGsn
        return
      case 'Withdrawn':
        this.subscriptions.onWithdrawn(f.subscription, Number(f.fromGsn), Number(f.toGsn))
        return
      case 'Error':
        this.onServerError(new OrdoError(f.code, f.message, f.ref, { subscription: f.subscription ?? 0, leaderUrl: f.leaderUrl ?? '' }))
        return
      default:
        return
    }
  }

  private onWelcome(f: Extract<WireFrame, { type: 'Welcome' }>): void {
    const role = (f.role === 'leader' || f.role === 'follower' ? f.role : 'standalone') as Role
    this.role = role
    this.node = f.node ?? ''
    this.epoch = f.epoch ?? 0n
    const publishing = this.published || this.publishes.unsettled > 0
    if (this.endpoints.welcomed(role, f.leaderUrl ?? '', publishing).action === 'move') {
      this.reopen(0)
      return
    }
    this.session.markWelcomed()
    if (this.publisher === 0n) this.assignedBy = this.endpoints.current
    this.publisher = f.publisher
    this.publishes.publisher = Number(f.publisher)
    if (this.renumberOnWelcome) {
      this.renumberOnWelcome = false
      this.publishes.renumberAll()
    }
    this.publishes.checks.maxPayload = f.maxPayload
    this.publishes.checks.maxGroups = f.maxGroups
    this.maxPayload = f.maxPayload
    this.maxGroups = f.maxGroups
    if (f.durableGsn > this.durableGsn) this.durableGsn = f.durableGsn
    this.connections++
    this.resolver.sendUnsent()
    this.publishes.resendAll()
    this.subscriptions.resubscribeAll()
    this.options.onState?.('connected')
    const first = this.firstWelcome
    this.firstWelcome = null
    first?.resolve()
  }

  /**
   * The server refused, at Hello, the publisher id another server assigned (standby servers, or cluster nodes,
   * keep their own bindings). The client reconnects with publisher 0 and resends what is unsettled under the id
   * it gets, numbered from 1: the previous server's deduplication no longer covers those messages.
   */
  private publisherElsewhere(err: OrdoError): boolean {
    if (this.session.welcomed || this.assignedBy === '' || this.assignedBy === this.endpoints.current) return false
    const old = this.publisher
    this.publisher = 0n
    this.assignedBy = ''
    this.renumberOnWelcome = true
    this.report(
      new OrdoError(
        ErrorCode.PUBLISHER_TAKEN,
        `publisher id ${old} (assigned by another server) belongs to another identity at ${this.endpoints.current}; asking it for a new publisher id: ` +
          `${this.publishes.unsettled} unacknowledged message(s) are sent again under it, and one the previous server had already stored would be stored twice`,
      ),
    )
    return true
  }

  private onServerError(err: OrdoError): void {
    routeServerError(err, this.errorTargets)
  }

  /** The client cannot go on: everything pending fails with err. */
  private fail(err: OrdoError): void {
    if (this.fatal !== null) return
    this.fatal = err
    // connect() rejects with it (its caller hears it there), or onError does.
    const first = this.firstWelcome
    this.firstWelcome = null
    if (first !== null) first.reject(err)
    else this.report(err)
    this.publishes.failAll(err)
    this.subscriptions.failAll(err)
    this.resolver.failAll(err)
    this.resolveClosed(err)
    this.retry.stop()
    void this.session.close().then(() => this.options.onState?.('closed'))
  }

  report(err: OrdoError): void {
    this.options.onError?.(err)
  }
}

function closed(): OrdoError {
  return new OrdoError(ClientErrorCode.CLOSED, 'client closed')
}

/** Connects to an ordo gateway (e.g. 'ws://127.0.0.1:7070/'), or to the first of several that answers. See ConnectOptions. */
export function connect(urls: string | readonly string[], options: ConnectOptions = {}): Promise<Client> {
  return Client.connect(urls, options)
}
