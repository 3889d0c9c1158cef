// The part of the uWebSockets.js API the gateway uses, written out once so the
// gateway compiles against our own typings instead of one republish's, and so
// the `ws` fallback (ws-app.ts) has a contract to implement. A native uWS
// module satisfies these shapes as it is; the fallback implements exactly
// these members and nothing else, so a call outside this list fails to compile
// rather than at run time on one transport only.
//
// Lifetimes follow uWS: an ArrayBuffer handed to a callback (a message, a body
// chunk) is valid only during that callback: copy what you keep. An
// HttpResponse is valid until it is ended or aborted; a WebSocket until its
// close handler has run.

/** A string, or bytes taken as they are. */
export type RecognizedString = string | ArrayBuffer | Uint8Array

/** Opaque handle of a listening socket. */
export interface us_listen_socket {
  readonly __listenSocket?: true
}

/** Opaque handle that us_socket_local_port reads (a listen socket passes as one). */
export interface us_socket {
  readonly __socket?: true
}

/** Compression setting of a WebSocket route: the gateway only ever passes DISABLED. */
export type CompressOptions = number

export interface HttpRequest {
  /** Header value by lower-case name; '' when absent. */
  getHeader(lowerCaseKey: string): string
  /** Path without the query string. */
  getUrl(): string
  /** Lower-case method ('get', 'post'). */
  getMethod(): string
  /** Whole query string without '?' (no key), or one decoded value (undefined when absent). */
  getQuery(): string
  getQuery(key: string): string | undefined
  /** Value of the index-th `:name` segment of the route pattern. */
  getParameter(index: number): string | undefined
  /** Every header, lower-case names. */
  forEach(cb: (key: string, value: string) => void): void
}

export interface HttpResponse {
  writeStatus(status: RecognizedString): HttpResponse
  writeHeader(key: RecognizedString, value: RecognizedString): HttpResponse
  /** Streams part of the body (chunked); true when nothing was left buffered. */
  write(chunk: RecognizedString): boolean
  end(body?: RecognizedString, closeConnection?: boolean): HttpResponse
  /** Closes the connection at once; onAborted handlers run. */
  close(): HttpResponse
  onAborted(handler: () => void): HttpResponse
  /** Body chunks; the last call has isLast=true (possibly with an empty chunk). */
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): HttpResponse
  cork(cb: () => void): HttpResponse
  getRemoteAddressAsText(): ArrayBuffer
  /** Accepts a WebSocket upgrade (only inside a WebSocketBehavior.upgrade handler). */
  upgrade<UserData>(userData: UserData, secWebSocketKey: RecognizedString, secWebSocketProtocol: RecognizedString, secWebSocketExtensions: RecognizedString, context: us_socket_context_t): void
}

/** Opaque upgrade context handed from upgrade() to res.upgrade(). */
export interface us_socket_context_t {
  readonly __context?: true
}

export interface WebSocket<UserData> {
  /** 1: sent, 0: sent but buffered (backpressure), 2: dropped (over maxBackpressure). */
  send(message: RecognizedString, isBinary?: boolean, compress?: boolean): number
  getBufferedAmount(): number
  /** Close frame with code and reason; the close handler runs before end() returns. */
  end(code?: number, shortMessage?: RecognizedString): void
  /** Closes without a close frame; the close handler runs before close() returns. */
  close(): void
  cork(cb: () => void): WebSocket<UserData>
  getRemoteAddressAsText(): ArrayBuffer
  getUserData(): UserData
}

export interface WebSocketBehavior<UserData> {
  compression?: CompressOptions
  maxPayloadLength?: number
  maxBackpressure?: number
  /** Seconds without a received frame (or pong) before the socket is closed. */
  idleTimeout?: number
  sendPingsAutomatically?: boolean
  upgrade?: (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void
  open?: (ws: WebSocket<UserData>) => void
  message?: (ws: WebSocket<UserData>, message: ArrayBuffer, isBinary: boolean) => void
  drain?: (ws: WebSocket<UserData>) => void
  close?: (ws: WebSocket<UserData>, code: number, message: ArrayBuffer) => void
}

export type RouteHandler = (res: HttpResponse, req: HttpRequest) => void

export interface TemplatedApp {
  ws<UserData>(pattern: string, behavior: WebSocketBehavior<UserData>): TemplatedApp
  get(pattern: string, handler: RouteHandler): TemplatedApp
  post(pattern: string, handler: RouteHandler): TemplatedApp
  put(pattern: string, handler: RouteHandler): TemplatedApp
  del(pattern: string, handler: RouteHandler): TemplatedApp
  head(pattern: string, handler: RouteHandler): TemplatedApp
  options(pattern: string, handler: RouteHandler): TemplatedApp
  any(pattern: string, handler: RouteHandler): TemplatedApp
  /** (host, port, options, cb): uWS.js 20.x takes this form; its typings list fewer. */
  listen(host: string, port: number, options: number, cb: (listenSocket: us_listen_socket | false) => void): TemplatedApp
}

/** What the gateway needs from a loaded uWS module (or from the fallback). */
export interface UwsModule {
  App(): TemplatedApp
  us_listen_socket_close(listenSocket: us_listen_socket): void
  us_socket_local_port(socket: us_socket | us_listen_socket): number
  DISABLED: CompressOptions
  LIBUS_LISTEN_EXCLUSIVE_PORT?: number
}
