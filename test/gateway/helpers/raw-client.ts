// A bare WebSocket client for tests that speak the protocol frame by frame:
// every received frame is decoded (codec decodeFrame) into a queue that tests
// wait on; the close code and reason are kept.
import WebSocket from 'ws'
import { decodeFrame, encodeFrame, encodeHello, type WireFrame } from '../../../codec/index.js'

export interface Closed {
  code: number
  reason: string
}

export class RawClient {
  readonly frames: WireFrame[] = []
  closed: Closed | null = null
  private waiters: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.frames.push({ type: 'Error', code: -1, message: `text frame: ${data.toString()}`, ref: 0n })
      else this.frames.push(decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length)))
      this.wake()
    })
    ws.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString() }
      this.wake()
    })
    ws.on('error', () => {})
  }

  static open(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      const c = new RawClient(ws)
      ws.once('open', () => resolve(c))
      ws.once('error', reject)
    })
  }

  /** Opens and says Hello; resolves with the Welcome. */
  static async hello(url: string, token = '', publisher = 0n): Promise<{ client: RawClient; publisher: bigint }> {
    const c = await RawClient.open(url)
    c.send(encodeHello({ token, publisher }))
    const w = await c.next('Welcome')
    return { client: c, publisher: w.publisher }
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  send(bytes: Uint8Array | Buffer | string): void {
    this.ws.send(bytes)
  }

  sendFrame(frame: WireFrame): void {
    this.ws.send(encodeFrame(frame))
  }

  /** Waits for (and removes) the first queued frame of `type` matching `pred`. */
  async next<T extends WireFrame['type']>(type: T, pred: (f: Extract<WireFrame, { type: T }>) => boolean = () => true, timeoutMs = 5000): Promise<Extract<WireFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type && pred(f as Extract<WireFrame, { type: T }>))
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<WireFrame, { type: T }>
      if (this.closed !== null) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${type}; queued: ${this.frames.map((f) => f.type).join(',')}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timeout waiting for ${type}; queued: ${JSON.stringify(this.frames.map((f) => (f.type === 'Error' ? f : f.type)), (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Waits for (and removes) the first queued frame whose type is one of `types`. */
  async nextOf<T extends WireFrame['type']>(types: readonly T[], timeoutMs = 5000): Promise<Extract<WireFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.frames.findIndex((f) => (types as readonly string[]).includes(f.type))
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<WireFrame, { type: T }>
      if (this.closed !== null) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${types.join('|')}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timeout waiting for ${types.join('|')}; queued: ${this.frames.map((f) => f.type).join(',')}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<Closed> {
    const deadline = Date.now() + timeoutMs
    while (this.closed === null) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('timeout waiting for close')
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
    return this.closed
  }

  close(): void {
    this.ws.close()
  }

  terminate(): void {
    this.ws.terminate()
  }
}
