// The WebSocket the client uses: the platform's (browsers, Deno, Node >= 22)
// when there is one, else the `ws` package, loaded lazily so that browsers
// never see the import. Only the WHATWG WebSocket surface below is used, which
// both provide.

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

export type WebSocketCtor = new (url: string) => WebSocketLike

export const OPEN = 1

let cached: WebSocketCtor | null = null

export async function defaultWebSocket(): Promise<WebSocketCtor> {
  if (cached !== null) return cached
  const g = (globalThis as { WebSocket?: WebSocketCtor }).WebSocket
  if (typeof g === 'function') {
    cached = g
    return g
  }
  // A variable specifier keeps bundlers and browsers from resolving it up front.
  const name = 'ws'
  const mod = (await import(name)) as { default?: WebSocketCtor; WebSocket?: WebSocketCtor }
  const ctor = mod.WebSocket ?? mod.default
  if (typeof ctor !== 'function') throw new Error('no WebSocket available: install the ws package or pass options.WebSocket')
  cached = ctor
  return ctor
}
