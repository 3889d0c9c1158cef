// One WebSocket connection from a relay to its upstream server (a gateway or
// another relay), speaking the wire protocol as a client: Hello, then frames
// both ways. It reconnects by itself with a growing delay, trying the upstream
// URLs in turn (a cluster's nodes, or relays at the same level), and says Hello
// again with the same token and publisher id, so the upstream sees the same
// identity across reconnects. What to re-send after a reconnect is the owner's
// business (onReady runs after every Welcome).
//
// Raw frames rather than the client library: a relay forwards Publish frames
// with their publisher id and pseqs as the client sent them, and keeps Deliver
// frames as bytes to fan them out again; the client library numbers pseqs
// itself and hands messages to a handler one by one.

import WebSocket from 'ws'
import type { Logger } from '../../engine/logger.js'
import { BodyType, decodeFrame, encodeHeartbeat, encodeHello, makeLimits, Verdict, verifyFrame, type Limits, type WelcomeFrame } from '../../codec/index.js'

export interface LinkEvents {
  /** Welcome received (after every connect). */
  onReady(welcome: WelcomeFrame): void
  /** A verified frame after Welcome; bytes stay valid (the link does not reuse them). */
  onFrame(type: number, bytes: Uint8Array, verdict: Verdict): void
  /** The connection is gone; the link reconnects unless it was closed or the error was fatal. */
  onDown(why: string): void
}

export interface LinkOptions {
  urls: readonly string[]
  token: string
  publisher: number
  logger: Logger
  /** What the link is for, in log lines (relay, publisher). */
  name: string
  /** Send a Heartbeat this often, and reconnect after hearing nothing for 4 times as long. Default 5000 ms. */
  heartbeatMs?: number
}

const MIN_DELAY_MS = 50
const MAX_DELAY_MS = 2000
const CONNECT_TIMEOUT_MS = 5000

/** Upstream frames may be as large as the protocol allows: the relay passes them on. */
const UPSTREAM_LIMITS: Limits = makeLimits({ maxFrameBytes: 64 * 1024 * 1024 })

export class UpstreamLink {
  private ws: WebSocket | null = null
  private urlIndex = 0
  private delayMs = MIN_DELAY_MS
  private closed = false
  private welcomed = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private heartbeat: ReturnType<typeof setInterval> | null = null
  private lastHeard = 0
  private readonly verdict = new Verdict()
  /** Welcome of the current connection (null while down). */
  welcome: WelcomeFrame | null = null
  /** Connections made so far. */
  connects = 0

  constructor(
    private readonly o: LinkOptions,
    private readonly events: LinkEvents,
  ) {}

  get ready(): boolean {
    return this.welcomed && this.ws !== null && this.ws.readyState === WebSocket.OPEN
  }

  get url(): string {
    return this.o.urls[this.urlIndex % this.o.urls.length]!
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0
  }

  start(): void {
    if (this.closed || this.ws !== null) return
    const url = this.url
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: UPSTREAM_LIMITS.maxFrameBytes, handshakeTimeout: CONNECT_TIMEOUT_MS })
    ws.binaryType = 'nodebuffer'
    this.ws = ws
    this.welcomed = false
    ws.on('open', () => {
      ws.send(encodeHello({ token: this.o.token, publisher: BigInt(this.o.publisher) }))
    })
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ws !== ws || !isBinary) return
      this.lastHeard = Date.now()
      this.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    })
    ws.on('error', (err: Error) => {
      if (this.ws === ws) this.o.logger.debug({ event: 'upstream_error', link: this.o.name, url, err: err.message }, 'upstream connection error')
    })
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.ws !== ws) return
      this.down(`closed: url=${url}, code=${code}${reason.length > 0 ? `, reason=${reason.toString()}` : ''}`)
    })
  }

  /** Moves the next connection attempt to `url` (e.g. a cluster's leader). */
  preferUrl(url: string): void {
    const i = this.o.urls.indexOf(url)
    if (i >= 0) this.urlIndex = i
  }

  send(frame: Uint8Array): boolean {
    if (!this.ready) return false
    this.ws!.send(frame, { binary: true })
    return true
  }

  /** Drops the current connection (it reconnects unless closed). */
  drop(why: string): void {
    const ws = this.ws
    if (ws === null) return
    ws.terminate()
    this.down(why)
  }

  close(): void {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.stopHeartbeat()
    const ws = this.ws
    this.ws = null
    this.welcomed = false
    this.welcome = null
    if (ws !== null) {
      try {
        ws.close(1000, 'relay closing')
      } catch {
        ws.terminate()
      }
    }
  }

  private onMessage(bytes: Uint8Array): void {
    const code = verifyFrame(bytes, 0, bytes.length, UPSTREAM_LIMITS, this.verdict)
    if (code !== 0) {
      this.drop(`upstream sent a frame that does not verify: reason=${this.verdict.reason}`)
      return
    }
    const type = this.verdict.bodyType
    if (!this.welcomed) {
      const f = decodeFrame(bytes, UPSTREAM_LIMITS)
      if (f.type === 'Welcome') {
        this.welcomed = true
        this.welcome = f
        this.connects++
        this.delayMs = MIN_DELAY_MS
        this.startHeartbeat()
        this.events.onReady(f)
        return
      }
      if (f.type === 'Error') this.o.logger.warn({ event: 'upstream_refused', link: this.o.name, url: this.url, code: f.code, reason: f.message }, 'upstream refused Hello')
    }
    if (type === BodyType.Heartbeat && !this.welcomed) return
    this.events.onFrame(type, bytes, this.verdict)
  }

  private startHeartbeat(): void {
    this.stopHeartbeat()
    const every = this.o.heartbeatMs ?? 5000
    this.lastHeard = Date.now()
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > 4 * every) {
        this.drop(`upstream silent for ${Date.now() - this.lastHeard} ms: url=${this.url}`)
        return
      }
      this.send(encodeHeartbeat({ durableGsn: 0n }))
    }, every)
    this.heartbeat.unref()
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat)
    this.heartbeat = null
  }

  private down(why: string): void {
    this.ws = null
    const wasReady = this.welcomed
    this.welcomed = false
    this.welcome = null
    this.stopHeartbeat()
    if (this.closed) return
    this.events.onDown(why)
    if (!wasReady) this.urlIndex++
    const delay = this.delayMs
    this.delayMs = Math.min(MAX_DELAY_MS, this.delayMs * 2)
    this.timer = setTimeout(() => {
      this.timer = null
      this.start()
    }, delay)
  }
}
