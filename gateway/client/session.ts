// The life of the client's one connection: open a socket to the URL Endpoints
// chooses, say Hello (with a fresh token from getToken when given), hand every
// frame to the client, notice silence, and open again after a close with backoff.
//
//   open(url) ──Hello(token, publisher)──▶ frames ──▶ owner.onFrame (Welcome, acks, deliveries...)
//     ▲ backoff / at once (move to the leader)          │
//     └──────────── owner.onSocketClosed ◀── close / error / silence
//
// Only events of the current socket reach the owner: a socket being replaced
// (moving to the leader, a liveness drop) may still close later, unheard.

import { encodeHello } from '../../codec/index.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { Backoff, type BackoffOptions } from './backoff.js'
import type { Endpoints } from './endpoints.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import { openTransport, type Transport, type WebSocketCtor } from './transport.js'

export interface SessionOptions {
  token?: string
  getToken?: () => string | Promise<string>
  backoff?: BackoffOptions
  livenessMs?: number
  maskFrames?: boolean
}

export interface SessionOwner {
  /** The publisher id to ask for in Hello (0: let the server assign one). */
  readonly helloPublisher: bigint
  onFrame(bytes: Uint8Array): void
  /** The current socket closed; `welcomed` says whether it got as far as a Welcome. */
  onSocketClosed(code: number, reason: string, welcomed: boolean): void
  /** The session cannot go on (e.g. a URL that cannot be opened at all). */
  onFatal(err: OrdoError): void
  report(err: OrdoError): void
}

export class Session {
  private transport: Transport | null = null
  private welcomedFlag = false
  private closing = false
  private readonly backoff: Backoff
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private livenessTimer: ReturnType<typeof setInterval> | null = null
  private lastFrameAt = 0
  private attempt = 0
  private closeWaiters: (() => void)[] = []

  constructor(
    private readonly endpoints: Endpoints,
    private readonly WS: WebSocketCtor,
    private readonly o: SessionOptions,
    private readonly owner: SessionOwner,
  ) {
    this.backoff = new Backoff(o.backoff)
    const liveness = o.livenessMs ?? 20000
    this.livenessTimer = setInterval(() => this.checkLiveness(liveness), Math.max(1000, liveness / 4))
  }

  /** Connected and welcomed. */
  get open(): boolean {
    return this.welcomedFlag && this.transport !== null && this.transport.isOpen
  }

  get welcomed(): boolean {
    return this.welcomedFlag
  }

  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0
  }

  start(): void {
    void this.openSocket()
  }

  /** A Welcome was accepted on the current socket. */
  markWelcomed(): void {
    this.welcomedFlag = true
    this.backoff.reset()
  }

  send(frame: Uint8Array, onWritten: (() => void) | null): boolean {
    const t = this.transport
    if (t === null || !t.isOpen) {
      onWritten?.()
      return false
    }
    t.send(frame, onWritten)
    return true
  }

  /** Drops the socket (the owner hears the close and the session opens another). */
  drop(code: number, reason: string): void {
    this.transport?.close(code, reason)
  }

  /**
   * Replaces the socket with one to endpoints.next() (moving to the leader): at once, or after the backoff
   * delay when `delayMs` is undefined. The old socket's close is not reported to the owner.
   */
  reopen(delayMs: number | undefined): void {
    const t = this.transport
    this.transport = null
    this.welcomedFlag = false
    t?.close(1000, 'moving to another node')
    this.schedule(delayMs)
  }

  /** Opens the next socket after the backoff delay (or `delayMs`). Returns the delay. */
  schedule(delayMs?: number): number {
    if (this.closing) return 0
    const delay = delayMs ?? this.backoff.next()
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => void this.openSocket(), delay)
    return delay
  }

  private async openSocket(): Promise<void> {
    this.reconnectTimer = null
    if (this.closing) return
    const attempt = ++this.attempt
    let token = this.o.token ?? ''
    if (this.o.getToken !== undefined) {
      try {
        token = await this.o.getToken()
        if (typeof token !== 'string') throw new TypeError(`getToken returned ${typeof token}, not a string`)
      } catch (err) {
        this.owner.report(new OrdoError(ClientErrorCode.CONNECT_FAILED, `getToken failed: ${err instanceof Error ? err.message : String(err)}; retrying`, 0n, { cause: err }))
        if (attempt === this.attempt) this.schedule()
        return
      }
      if (this.closing || attempt !== this.attempt) return
    }
    const url = this.endpoints.next()
    let t: Transport
    try {
      t = openTransport(this.WS, url, {
        onOpen: () => {
          if (this.transport !== t) return
          this.lastFrameAt = Date.now()
          t.send(encodeHello({ token, publisher: this.owner.helloPublisher }), null)
        },
        onFrame: (bytes) => {
          if (this.transport !== t) return
          this.lastFrameAt = Date.now()
          this.owner.onFrame(bytes)
        },
        onClose: (code, reason) => {
          if (this.transport === t) {
            this.transport = null
            const welcomed = this.welcomedFlag
            this.welcomedFlag = false
            if (!welcomed) this.endpoints.failed()
            this.owner.onSocketClosed(code, reason, welcomed)
          }
          if (this.transport === null) {
            const w = this.closeWaiters
            this.closeWaiters = []
            for (const f of w) f()
          }
        },
      }, { maskFrames: this.o.maskFrames ?? true })
    } catch (err) {
      this.owner.onFatal(new OrdoError(ClientErrorCode.CONNECT_FAILED, `cannot open ${url}: ${err instanceof Error ? err.message : String(err)}`))
      return
    }
    this.transport = t
    this.welcomedFlag = false
  }

  private checkLiveness(livenessMs: number): void {
    if (!this.open) return
    if (Date.now() - this.lastFrameAt > livenessMs) {
      this.owner.report(new OrdoError(ErrorCode.GOING_AWAY, 'no frame from the server for too long: reconnecting'))
      this.drop(4999, 'no frame from the server')
    }
  }

  /** Stops for good; resolves once the socket closed. */
  close(): Promise<void> {
    this.closing = true
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer)
    if (this.livenessTimer !== null) clearInterval(this.livenessTimer)
    this.reconnectTimer = null
    this.livenessTimer = null
    const t = this.transport
    if (t === null) return Promise.resolve()
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve)
      t.close(1000, 'client closed')
    })
  }
}
