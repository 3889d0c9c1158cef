// HttpRequest and HttpResponse of the `ws` fallback on node:http, with uWS's
// semantics where the gateway relies on them: a response used after it ended
// or was aborted throws (as uWS does), body chunks arrive as ArrayBuffers with
// a last call marked isLast, and onAborted runs when the peer goes away first.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { HttpRequest, HttpResponse, RecognizedString, us_socket_context_t } from './uws-api.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function textOf(s: RecognizedString): string {
  return typeof s === 'string' ? s : decoder.decode(s)
}

export function bytesOf(s: RecognizedString): Uint8Array {
  if (typeof s === 'string') return encoder.encode(s)
  return s instanceof Uint8Array ? s : new Uint8Array(s)
}

/** A copy of a Buffer as an ArrayBuffer of exactly its length (Buffers share pooled memory). */
export function arrayBufferOf(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength)
  new Uint8Array(out).set(b)
  return out
}

export class WsHttpRequest implements HttpRequest {
  constructor(
    private readonly req: IncomingMessage,
    private readonly path: string,
    private readonly query: string,
    private readonly parameters: readonly string[],
  ) {}

  getHeader(lowerCaseKey: string): string {
    const v = this.req.headers[lowerCaseKey]
    if (v === undefined) return ''
    return Array.isArray(v) ? v.join(', ') : v
  }

  getUrl(): string {
    return this.path
  }

  getMethod(): string {
    return (this.req.method ?? 'GET').toLowerCase()
  }

  getQuery(): string
  getQuery(key: string): string | undefined
  getQuery(key?: string): string | undefined {
    if (key === undefined) return this.query
    return new URLSearchParams(this.query).get(key) ?? undefined
  }

  getParameter(index: number): string | undefined {
    return this.parameters[index]
  }

  forEach(cb: (key: string, value: string) => void): void {
    const raw = this.req.rawHeaders
    for (let i = 0; i + 1 < raw.length; i += 2) cb(raw[i]!.toLowerCase(), raw[i + 1]!)
  }
}

/** Fields and checks shared by both kinds of response. */
abstract class ResponseBase {
  protected statusCode = 200
  protected statusText = 'OK'
  protected readonly headers: [string, string][] = []
  protected finished = false
  aborted = false
  private readonly abortHandlers: (() => void)[] = []

  protected check(): void {
    if (this.aborted || this.finished) throw new Error('Invalid access of discarded HttpResponse: it was ended or aborted')
  }

  protected abort(): void {
    if (this.aborted || this.finished) return
    this.aborted = true
    for (const h of this.abortHandlers.splice(0)) h()
  }

  writeStatus(status: RecognizedString): this {
    this.check()
    const m = /^(\d{3})\s*(.*)$/.exec(textOf(status).trim())
    if (m === null) throw new Error(`bad HTTP status line: ${textOf(status)}`)
    this.statusCode = Number(m[1])
    this.statusText = m[2] ?? ''
    return this
  }

  writeHeader(key: RecognizedString, value: RecognizedString): this {
    this.check()
    this.headers.push([textOf(key), textOf(value)])
    return this
  }

  onAborted(handler: () => void): this {
    this.abortHandlers.push(handler)
    return this
  }

  cork(cb: () => void): this {
    cb()
    return this
  }
}

/** A plain HTTP response. */
export class WsHttpResponse extends ResponseBase implements HttpResponse {
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    super()
    res.once('close', () => this.abort())
  }

  private head(): void {
    if (this.res.headersSent) return
    this.res.statusCode = this.statusCode
    this.res.statusMessage = this.statusText
    for (const [k, v] of this.headers) this.res.appendHeader(k, v)
  }

  write(chunk: RecognizedString): boolean {
    this.check()
    this.head()
    return this.res.write(bytesOf(chunk))
  }

  end(body?: RecognizedString, closeConnection?: boolean): this {
    this.check()
    if (closeConnection === true && !this.res.headersSent) this.res.setHeader('connection', 'close')
    this.head()
    this.finished = true
    this.res.end(body === undefined ? undefined : bytesOf(body))
    return this
  }

  close(): this {
    this.res.destroy()
    this.abort()
    return this
  }

  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    this.req.on('data', (b: Buffer) => handler(arrayBufferOf(b), false))
    this.req.on('end', () => handler(new ArrayBuffer(0), true))
    return this
  }

  getRemoteAddressAsText(): ArrayBuffer {
    return arrayBufferOf(encoder.encode(this.req.socket.remoteAddress ?? ''))
  }

  upgrade(): void {
    throw new Error('upgrade() is only valid in a WebSocket route upgrade handler')
  }
}

/** Completes an accepted upgrade: the app hands the socket to `ws`. */
export interface UpgradeContext extends us_socket_context_t {
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, userData: unknown, protocol: string, headers: [string, string][]): void
}

/** The response of a WebSocket upgrade request: upgrade(), or an HTTP refusal written to the socket. */
export class WsUpgradeResponse extends ResponseBase implements HttpResponse {
  private readonly body: Uint8Array[] = []

  constructor(
    private readonly req: IncomingMessage,
    private readonly socket: Duplex,
    private readonly headBytes: Buffer,
  ) {
    super()
    socket.once('close', () => this.abort())
  }

  write(chunk: RecognizedString): boolean {
    this.check()
    this.body.push(bytesOf(chunk))
    return true
  }

  end(body?: RecognizedString): this {
    this.check()
    if (body !== undefined) this.body.push(bytesOf(body))
    this.finished = true
    let size = 0
    for (const b of this.body) size += b.length
    const lines = [`HTTP/1.1 ${this.statusCode} ${this.statusText}`, ...this.headers.map(([k, v]) => `${k}: ${v}`), `content-length: ${size}`, 'connection: close', '', '']
    this.socket.write(lines.join('\r\n'))
    for (const b of this.body) this.socket.write(b)
    this.socket.end()
    return this
  }

  close(): this {
    this.socket.destroy()
    this.abort()
    return this
  }

  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    handler(new ArrayBuffer(0), true)
    return this
  }

  getRemoteAddressAsText(): ArrayBuffer {
    return arrayBufferOf(encoder.encode((this.socket as { remoteAddress?: string }).remoteAddress ?? ''))
  }

  upgrade<UserData>(userData: UserData, _key: RecognizedString, protocol: RecognizedString, _extensions: RecognizedString, context: us_socket_context_t): void {
    this.check()
    this.finished = true
    // uWS answers with the protocol string the route passed; take its first entry as ws expects one.
    const chosen = textOf(protocol).split(',')[0]!.trim()
    ;(context as UpgradeContext).accept(this.req, this.socket, this.headBytes, userData, chosen, this.headers)
  }
}
