// Publish frames for the comparison's ordo publishers: one template frame of `perFrame` messages built once with
// FrameWriter, message i addressed to groups[i % G] (so messages cycle over the groups), then per send only the
// pseq, the payload's seq and (latency runs) the due time are patched. Encoding costs the load generator nothing
// per message beyond those stores; its CPU goes to the socket. (Same idea as bench/gateway-publish-pump.ts, which
// sends every message to the same group set and carries no per-publisher seq in the payload.)

import { FrameWriter, PSEQ_POS, payloadPos } from '../../../codec/index.js'
import { PUBLISH_COUNT_POS } from '../../../codec/internal.js'
import type { RawConn } from '../../gateway-raw-conn.js'
import { DUE_POS, PUB_POS, SEQ_POS, payloadTemplate } from './ordo-payload.js'

const TWO_POW_32 = 4294967296

export class OrdoPump {
  private readonly frame: Uint8Array
  private readonly view: DataView
  private readonly blobs: Int32Array
  private readonly payloads: Int32Array
  private readonly blobBytes: number
  /** pseq of the next message (and its payload seq). */
  nextPseq = 1
  sent = 0
  acked = 0
  /** Called after each PublishAck is counted (to send more). */
  afterAck: (() => void) | null = null

  constructor(
    private readonly conn: RawConn,
    publisher: number,
    publisherIndex: number,
    groups: readonly number[],
    readonly perFrame: number,
    payloadBytes: number,
  ) {
    const payload = payloadTemplate(payloadBytes)
    new DataView(payload.buffer).setUint32(PUB_POS, publisherIndex, true)
    const buf = new Uint8Array(64 + perFrame * (8 + 200 + payloadBytes))
    const w = new FrameWriter(buf)
    w.beginPublish(0, perFrame)
    this.blobs = new Int32Array(perFrame)
    this.payloads = new Int32Array(perFrame)
    const one = [0]
    for (let i = 0; i < perFrame; i++) {
      one[0] = groups[i % groups.length]!
      const rc = w.addMessage(publisher, 0, one, 1, payload, 0, payloadBytes)
      if (rc !== 0) throw new Error(`template frame does not fit: rc=${rc}, perFrame=${perFrame}, payload=${payloadBytes}`)
      this.blobs[i] = w.blobPos(i)
      this.payloads[i] = this.blobs[i]! + payloadPos(1)
    }
    const length = w.finish()
    this.frame = buf.subarray(0, length)
    this.view = new DataView(buf.buffer, buf.byteOffset, length)
    // Every blob has the same length (one group, same payload): the first n messages end at blob[n-1] + blobBytes.
    this.blobBytes = perFrame > 1 ? this.blobs[1]! - this.blobs[0]! : length - this.blobs[0]!
    conn.onAck = (n) => {
      this.acked += n
      if (this.afterAck !== null) this.afterAck()
    }
  }

  /**
   * Sends the first n (1..perFrame) template messages as one Publish frame, stamped with the next pseqs; each
   * payload's due time is `due0 + i * dueStep` when due0 is non-zero (latency runs), else left as it was.
   */
  send(n: number, due0: number, dueStep: number): void {
    const v = this.view
    for (let i = 0; i < n; i++) {
      const p = this.nextPseq++
      const lo = p >>> 0
      const hi = Math.floor(p / TWO_POW_32)
      const blob = this.blobs[i]!
      const pay = this.payloads[i]!
      v.setUint32(blob + PSEQ_POS, lo, true)
      v.setUint32(blob + PSEQ_POS + 4, hi, true)
      v.setUint32(pay + SEQ_POS, lo, true)
      v.setUint32(pay + SEQ_POS + 4, hi, true)
      if (due0 !== 0) v.setFloat64(pay + DUE_POS, due0 + i * dueStep, true)
    }
    if (n === this.perFrame) {
      this.conn.send(this.frame)
    } else {
      // The unused slots of the messages vector stay (the verifier allows it); the count says n.
      v.setUint32(PUBLISH_COUNT_POS, n, true)
      this.conn.send(this.frame.subarray(0, this.blobs[n - 1]! + this.blobBytes))
      v.setUint32(PUBLISH_COUNT_POS, this.perFrame, true)
    }
    this.sent += n
  }

  get inFlight(): number {
    return this.sent - this.acked
  }
}
