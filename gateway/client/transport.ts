// How the client reaches the gateway: one WebSocket, behind a small interface with
// two implementations. In Node.js the `ws` package is used through its own API
// (frames arrive as Buffers without a copy into an ArrayBuffer; a send reports when
// its bytes were handed to the socket, so the client can reuse its frame buffers);
// elsewhere, or when `ws` is not installed, the platform's WHATWG WebSocket, whose
// send() copies the bytes it is given. `ws` is loaded lazily through a variable
// specifier so that bundlers and browsers never see the import.
//
//   Client ──send(frame, onWritten)──▶ Transport ──▶ socket
//          ◀──onFrame(bytes) / onOpen / onClose───┘

import { ClientErrorCode, OrdoError } from './errors.js'

/** The WHATWG WebSocket surface the client uses (browsers, Deno, Node >= 22, the `ws` package). */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  readonly bufferedAmount: number
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  send(data: ArrayBufferView | ArrayBuffer): void
  close(code?: number, reason?: string): void
}

export type WebSocketCtor = new (url: string, options?: unknown) => WebSocketLike

export const OPEN = 1

export interface TransportEvents {
  onOpen(): void
  /** One binary frame; the bytes stay valid (the client may keep views of them). */
  onFrame(bytes: Uint8Array): void
  onClose(code: number, reason: string): void
}

export interface Transport {
  /** True when send() has copied the frame by the time it returns (the buffer is free again at once). */
  readonly copiesOnSend: boolean
  readonly isOpen: boolean
  readonly bufferedAmount: number
  /**
   * Sends one binary frame. When copiesOnSend is false the bytes must stay unchanged until `onWritten` runs
   * (it always runs, also when the socket failed).
   */
  send(frame: Uint8Array, onWritten: (() => void) | null): void
  close(code: number, reason: string): void
}

/** The `ws` package's socket, the parts beyond the WHATWG surface that the client uses. */
interface NodeWs extends Omit<WebSocketLike, 'send'> {
  // Node.js Buffers, typed by what the client uses of them: the client's declarations build without node types.
  on(event: 'message', cb: (data: Uint8Array | ArrayBuffer | Uint8Array[], isBinary: boolean) => void): void
  on(event: 'open', cb: () => void): void
  /** `reason`: a Buffer, whose toString() is its UTF-8 text. */
  on(event: 'close', cb: (code: number, reason: { toString(): string }) => void): void
  on(event: 'error', cb: (err: Error) => void): void
  send(data: Uint8Array, options: { binary: boolean }, cb: (err?: Error) => void): void
}

function isNodeWs(ws: WebSocketLike | NodeWs): ws is NodeWs {
  return typeof (ws as { on?: unknown }).on === 'function' && typeof (ws as { pause?: unknown }).pause === 'function'
}

/** Options the client hands to the `ws` constructor (other WebSocket constructors ignore the second argument). */
export interface NodeWsOptions {
  /** true: random masking keys (RFC 6455); false: a zero key, so `ws` sends the client's buffer as it is (no copy). */
  maskFrames: boolean
}

/** Opens a socket to `url` with `WS` and wraps it; events arrive on `events` (only for this socket). */
export function openTransport(WS: WebSocketCtor, url: string, events: TransportEvents, o: NodeWsOptions): Transport {
  const options = {
    perMessageDeflate: false,
    maxPayload: 512 * 1024 * 1024,
    // RFC 6455 masks client frames with a random key so that a client cannot choose the bytes on the wire that
    // an intermediary (a proxy misreading the traffic as HTTP, a cache) sees. That is the default here. An
    // explicit maskFrames: false uses a zero key instead: masking becomes the identity and `ws` sends the
    // caller's buffer without copying it (ws/lib/sender.js skipMasking), for connections no intermediary reads.
    ...(o.maskFrames ? {} : { generateMask: zeroMask }),
  }
  // Only the `ws` package takes options; a browser's second argument means subprotocols.
  const proto = WS.prototype as { on?: unknown; pause?: unknown } | undefined
  const wsPackage = typeof proto?.on === 'function' && typeof proto.pause === 'function'
  const ws: WebSocketLike | NodeWs = wsPackage ? new WS(url, options) : new WS(url)
  return isNodeWs(ws) ? new NodeWsTransport(ws, events) : new WebTransport(ws as WebSocketLike, events)
}

function zeroMask(mask: Uint8Array): void {
  mask[0] = mask[1] = mask[2] = mask[3] = 0
}

class NodeWsTransport implements Transport {
  readonly copiesOnSend = false
  private readonly sendOptions = { binary: true }

  constructor(
    private readonly ws: NodeWs,
    events: TransportEvents,
  ) {
    ws.binaryType = 'nodebuffer'
    ws.on('open', () => events.onOpen())
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return
      if (data instanceof Uint8Array) events.onFrame(data)
      else if (data instanceof ArrayBuffer) events.onFrame(new Uint8Array(data))
    })
    ws.on('error', () => {})
    ws.on('close', (code, reason) => events.onClose(code, reason.toString()))
  }

  get isOpen(): boolean {
    return this.ws.readyState === OPEN
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  send(frame: Uint8Array, onWritten: (() => void) | null): void {
    this.ws.send(frame, this.sendOptions, onWritten ?? ignore)
  }

  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason)
    } catch {
      /* already closing */
    }
  }
}

function ignore(): void {}

class WebTransport implements Transport {
  readonly copiesOnSend = true

  constructor(
    private readonly ws: WebSocketLike,
    events: TransportEvents,
  ) {
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => events.onOpen()
    ws.onmessage = (ev) => {
      const data = ev.data
      if (data instanceof ArrayBuffer) events.onFrame(new Uint8Array(data))
      else if (ArrayBuffer.isView(data)) events.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    }
    ws.onerror = () => {}
    ws.onclose = (ev) => events.onClose(ev.code, ev.reason)
  }

  get isOpen(): boolean {
    return this.ws.readyState === OPEN
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  send(frame: Uint8Array, onWritten: (() => void) | null): void {
    // WebSocket.send copies the bytes into its own queue before it returns (WHATWG WebSockets, send()).
    this.ws.send(frame)
    if (onWritten !== null) onWritten()
  }

  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason)
    } catch {
      /* already closing */
    }
  }
}

let cached: WebSocketCtor | null = null

/**
 * The WebSocket constructor to use: in Node.js the `ws` package when it can be loaded (faster, and it lets
 * the client send without copies), else the platform's.
 */
export async function defaultWebSocket(): Promise<WebSocketCtor> {
  if (cached !== null) return cached
  const g = (globalThis as { WebSocket?: WebSocketCtor }).WebSocket
  const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
  if (inNode || typeof g !== 'function') {
    try {
      // A variable specifier keeps bundlers and browsers from resolving it up front.
      const name = 'ws'
      const mod = (await import(name)) as { default?: WebSocketCtor; WebSocket?: WebSocketCtor }
      const ctor = mod.WebSocket ?? mod.default
      if (typeof ctor === 'function') {
        cached = ctor
        return ctor
      }
    } catch {
      /* not installed: the platform's, if any */
    }
  }
  if (typeof g === 'function') {
    cached = g
    return g
  }
  throw new OrdoError(ClientErrorCode.CONNECT_FAILED, 'no WebSocket available: install the ws package or pass options.WebSocket')
}
