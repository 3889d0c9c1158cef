// A bare protocol connection for the load generator: the `ws` client with
// nothing per message on its hot paths. Deliver and PublishAck frames written
// by ordo's fast writers are recognised by their fixed header and counted from
// it; other frames are decoded (control frames are rare).

import WebSocket from 'ws'
import { DELIVER_COUNT_POS, FRAME_BODY_TYPE_POS, ROOT_UOFFSET } from '../codec/internal.js'
import { BodyType, decodeFrame, encodeHello, encodeResolveGroups, encodeSubscribe, type WireFrame } from '../codec/index.js'
import { ACK_PSEQS_LENGTH_POS } from '../codec/publish-ack-layout.js'

export class RawConn {
  /** Called with every Deliver frame (the Buffer is the frame) and its message count. */
  onDeliver: ((frame: Buffer, count: number) => void) | null = null
  /** Called with a frame that does not decode (when null, decoding throws). */
  onBadFrame: ((frame: Buffer) => void) | null = null
  /** Called with the number of pairs in each PublishAck. */
  onAck: ((count: number) => void) | null = null
  private readonly control: WireFrame[] = []
  private waiters: (() => void)[] = []
  closed = false

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer) => this.onMessage(data))
    ws.on('close', () => {
      this.closed = true
      this.wake()
    })
    ws.on('error', () => {})
  }

  static open(url: string): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 })
      const c = new RawConn(ws)
      ws.once('open', () => resolve(c))
      ws.once('error', reject)
    })
  }

  private onMessage(data: Buffer): void {
    if (data.length >= 24 && data.readUInt32LE(0) === ROOT_UOFFSET) {
      const type = data[FRAME_BODY_TYPE_POS]
      if (type === BodyType.Deliver && this.onDeliver !== null) {
        this.onDeliver(data, data.readUInt32LE(DELIVER_COUNT_POS))
        return
      }
      if (type === BodyType.PublishAck && this.onAck !== null) {
        this.onAck(data.readUInt32LE(ACK_PSEQS_LENGTH_POS))
        return
      }
    }
    try {
      this.control.push(decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length)))
    } catch (err) {
      // A frame that arrived other than it was sent (seen with the uWS build: a WebSocket header
      // inside the payload) is reported to onBadFrame when set, so a load generator can count it.
      if (this.onBadFrame === null) throw err
      this.onBadFrame(data)
    }
    this.wake()
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  async next<T extends WireFrame['type']>(type: T, timeoutMs = 30_000): Promise<Extract<WireFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.control.findIndex((f) => f.type === type || f.type === 'Error')
      if (i >= 0) {
        const f = this.control.splice(i, 1)[0]!
        if (f.type === 'Error' && type !== 'Error') throw new Error(`server error ${f.code}: ${f.message}`)
        return f as Extract<WireFrame, { type: T }>
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${type}`)
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${type}`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 100)
      })
    }
  }

  async hello(token = ''): Promise<number> {
    this.ws.send(encodeHello({ token, publisher: 0n }))
    return Number((await this.next('Welcome')).publisher)
  }

  async resolve(names: string[]): Promise<number[]> {
    this.ws.send(encodeResolveGroups({ names, create: true }))
    return (await this.next('Groups')).ids
  }

  async subscribe(id: number, groups: number[], fromGsn = 0): Promise<number> {
    this.ws.send(encodeSubscribe({ id, groups, fromGsn: BigInt(fromGsn), tentative: false }))
    return Number((await this.next('Subscribed')).nextGsn)
  }

  send(frame: Uint8Array): void {
    this.ws.send(frame)
  }

  /** Bytes queued in the client socket (sending back-pressure). */
  get buffered(): number {
    return this.ws.bufferedAmount
  }

  close(): void {
    this.ws.terminate()
  }
}
