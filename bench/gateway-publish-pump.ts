// Keeps a window of Publish frames in flight on one raw connection, as fast as
// acknowledgements come back. The frame is built once (FrameWriter) and only
// the pseqs (and optionally a timestamp in each payload) are patched before
// each send: the load generator spends its CPU on the socket, not on encoding.

import { FrameWriter, PSEQ_POS } from '../codec/index.js'
import { PUBLISH_COUNT_POS } from '../codec/internal.js'
import type { RawConn } from './gateway-raw-conn.js'

export class PublishPump {
  private readonly frame: Uint8Array
  private readonly view: DataView
  private readonly blobs: number[] = []
  private readonly payloadPos: number[] = []
  private readonly blobBytes: number
  nextPseq = 1
  inFlight = 0
  acked = 0
  sent = 0
  private running = false
  /** Extra condition to send (e.g. end-to-end flow control on delivery); default always. */
  gate: () => boolean = () => true

  constructor(
    private readonly conn: RawConn,
    publisher: number,
    groups: number[],
    readonly perFrame: number,
    payloadBytes: number,
    private readonly window: number,
  ) {
    const buf = new Uint8Array(64 + perFrame * (200 + payloadBytes + 12 * groups.length))
    const w = new FrameWriter(buf)
    w.beginPublish(0, perFrame)
    const payload = new Uint8Array(payloadBytes).fill(0x61)
    for (let i = 0; i < perFrame; i++) {
      if (w.addMessage(publisher, 0, groups, groups.length, payload, 0, payloadBytes) !== 0) throw new Error('template frame does not fit')
      this.blobs.push(w.blobPos(i))
    }
    const length = w.finish()
    this.frame = buf.subarray(0, length)
    this.view = new DataView(buf.buffer, buf.byteOffset, length)
    for (const b of this.blobs) this.payloadPos.push(b + 88 + 12 * groups.length)
    this.blobBytes = perFrame > 1 ? this.blobs[1]! - this.blobs[0]! : length - this.blobs[0]!
  }

  start(): void {
    this.running = true
    this.conn.onAck = (n) => {
      this.acked += n
      this.inFlight -= n
      if (this.running) this.fill()
    }
    this.fill()
  }

  stop(): void {
    this.running = false
  }

  /** Sends while the window, the socket and the gate allow. */
  fill(): void {
    while (this.running && this.inFlight + this.perFrame <= this.window && this.conn.buffered < 8 * 1024 * 1024 && this.gate()) this.sendFrame(0)
  }

  /**
   * Sends a frame of the first n (<= perFrame) template messages, message i
   * stamped with stamps[i] (f64 ms) in its payload's first 8 bytes.
   */
  sendFirst(n: number, stamps: Float64Array): void {
    const v = this.view
    for (let i = 0; i < n; i++) {
      const p = this.nextPseq++
      const pos = this.blobs[i]! + PSEQ_POS
      v.setUint32(pos, p >>> 0, true)
      v.setUint32(pos + 4, Math.floor(p / 4294967296), true)
      v.setFloat64(this.payloadPos[i]!, stamps[i]!, true)
    }
    // The unused slots of the messages vector stay (allowed); the count says n.
    v.setUint32(PUBLISH_COUNT_POS, n, true)
    this.conn.send(this.frame.subarray(0, this.blobs[n - 1]! + this.blobBytes))
    v.setUint32(PUBLISH_COUNT_POS, this.perFrame, true)
    this.inFlight += n
    this.sent += n
  }

  /** Sends one frame; stamps `stampMs` (f64) into each payload's first 8 bytes when non-zero. */
  sendFrame(stampMs: number): void {
    const v = this.view
    for (let i = 0; i < this.perFrame; i++) {
      const p = this.nextPseq++
      const pos = this.blobs[i]! + PSEQ_POS
      v.setUint32(pos, p >>> 0, true)
      v.setUint32(pos + 4, Math.floor(p / 4294967296), true)
      if (stampMs !== 0) v.setFloat64(this.payloadPos[i]!, stampMs, true)
    }
    this.conn.send(this.frame)
    this.inFlight += this.perFrame
    this.sent += this.perFrame
  }
}
