// The uWS WebSocket surface over a `ws` socket. Where the two differ, this
// file gives the gateway uWS's behaviour:
// - end() and close() run the close handler before they return (ws would emit
//   'close' after the closing handshake);
// - send() copies the frame: ws hands the caller's bytes to the TCP socket,
//   which keeps a reference while the kernel buffer is full, and the gateway
//   reuses its frame buffers as soon as send() returns (uWS copies too);
// - a frame over maxBackpressure is dropped (send() returns 2), as in uWS;
// - 'drain' is the TCP socket's drain (the write buffer emptied).

import type { Duplex } from 'node:stream'
import type { WebSocket as WsSocketImpl } from 'ws'
import type { RecognizedString, WebSocket, WebSocketBehavior } from './uws-api.js'
import { arrayBufferOf, textOf } from './ws-http.js'

export const SEND_OK = 1
export const SEND_BACKPRESSURE = 0
export const SEND_DROPPED = 2

const EMPTY = new ArrayBuffer(0)
const encoder = new TextEncoder()

export class WsSocket<UserData> implements WebSocket<UserData> {
  closed = false
  /** Date.now() of the last frame or pong received (idle timeout). */
  lastSeen = Date.now()
  pinged = false

  constructor(
    readonly impl: WsSocketImpl,
    private readonly tcp: Duplex,
    private readonly behavior: WebSocketBehavior<UserData>,
    private readonly userData: UserData,
    private readonly onGone: (s: WsSocket<UserData>) => void,
  ) {
    impl.binaryType = 'arraybuffer'
    impl.on('message', (data: ArrayBuffer, isBinary: boolean) => {
      this.seen()
      if (!this.closed) behavior.message?.(this, data, isBinary)
    })
    impl.on('pong', () => this.seen())
    impl.on('ping', () => this.seen())
    impl.on('close', (code: number, reason: Buffer) => this.closedBy(code, arrayBufferOf(reason)))
    impl.on('error', () => {
      /* ws closes the socket after an error; 'close' follows and runs the handler */
    })
    tcp.on('drain', () => {
      if (!this.closed) behavior.drain?.(this)
    })
  }

  private seen(): void {
    this.lastSeen = Date.now()
    this.pinged = false
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('Invalid access of closed WebSocket: its close handler already ran')
  }

  send(message: RecognizedString, isBinary = false, _compress = false): number {
    this.checkOpen()
    const max = this.behavior.maxBackpressure ?? 64 * 1024
    if (max > 0 && this.impl.bufferedAmount > max) return SEND_DROPPED
    const bytes = typeof message === 'string' ? encoder.encode(message) : message instanceof Uint8Array ? message : new Uint8Array(message)
    this.impl.send(Buffer.from(bytes), { binary: isBinary, compress: false, fin: true })
    return this.impl.bufferedAmount === 0 ? SEND_OK : SEND_BACKPRESSURE
  }

  getBufferedAmount(): number {
    return this.closed ? 0 : this.impl.bufferedAmount
  }

  end(code = 1000, shortMessage: RecognizedString = ''): void {
    this.checkOpen()
    const reason = textOf(shortMessage)
    this.closedBy(code, arrayBufferOf(encoder.encode(reason)))
    try {
      this.impl.close(code, reason)
    } catch {
      // A code ws refuses to send (1005, 1006, ...): close without a frame instead.
      this.impl.terminate()
    }
  }

  close(): void {
    this.checkOpen()
    this.closedBy(1006, EMPTY)
    this.impl.terminate()
  }

  cork(cb: () => void): this {
    // Frames written inside cb leave in one writev.
    this.tcp.cork()
    try {
      cb()
    } finally {
      this.tcp.uncork()
    }
    return this
  }

  getRemoteAddressAsText(): ArrayBuffer {
    return arrayBufferOf(encoder.encode((this.tcp as { remoteAddress?: string }).remoteAddress ?? ''))
  }

  getUserData(): UserData {
    return this.userData
  }

  /** Runs the close handler once, whoever closed first. */
  private closedBy(code: number, message: ArrayBuffer): void {
    if (this.closed) return
    this.closed = true
    this.onGone(this)
    this.behavior.close?.(this, code, message)
  }

  /** Idle check, from the app's sweep: ping at half the timeout, close at the timeout (as uWS). */
  sweep(now: number, idleMs: number, sendPings: boolean): void {
    if (this.closed) return
    const quiet = now - this.lastSeen
    if (quiet >= idleMs) {
      this.close()
      return
    }
    if (sendPings && !this.pinged && quiet >= idleMs / 2) {
      this.pinged = true
      this.impl.ping()
    }
  }
}
