// The payload ordo's comparison publishers send and its subscribers check (little endian):
//
//    0          8          12         16              24                         payloadBytes
//    +----------+----------+----------+---------------+--------------------------+
//    | seq u64  | pub u32  | zero u32 | due f64 (ms)  | filler: byte k = k & 255 |
//    +----------+----------+----------+---------------+--------------------------+
//
//   seq  the publisher's own count, 1, 2, 3... (equal to the message's pseq: the wire also carries it, the
//        payload copy proves the bytes were not mixed up between messages)
//   pub  the publisher's index in the run (0..P-1), so a subscriber keeps one expected seq per publisher in an
//        array instead of keying a map by server-assigned ids
//   due  intended send time, ms on the machine-wide monotonic clock (sharedClockMs), latency runs only; the
//        subscriber's latency is receive time minus this (coordinated omission corrected)

import { nowUs } from '../peer-payload.js'

export const SEQ_POS = 0
export const PUB_POS = 8
export const DUE_POS = 16
export const MIN_PAYLOAD_BYTES = 24

/** The lines the `ordo publish` row writes on the command's stdin: a 12-digit seq (1, 2, 3...), then filler up to
 *  the payload size. */
export function linePayload(seq: number, payloadBytes: number): string {
  return String(seq).padStart(12, '0') + 'x'.repeat(Math.max(0, payloadBytes - 12))
}

/** The payload template: header zero, filler from DUE_POS + 8 on. */
export function payloadTemplate(payloadBytes: number): Uint8Array {
  if (payloadBytes < MIN_PAYLOAD_BYTES) throw new RangeError(`payload too small: size=${payloadBytes}, min=${MIN_PAYLOAD_BYTES}`)
  const p = new Uint8Array(payloadBytes)
  for (let k = DUE_POS + 8; k < payloadBytes; k++) p[k] = k & 255
  return p
}

/** Milliseconds on the machine's monotonic clock, the same in every process: the peers' nowUs (peer-payload.ts
 *  explains why `performance.timeOrigin` is not good enough across processes), so ordo and the peers time their
 *  latency the same way. */
export function sharedClockMs(): number {
  return nowUs() / 1000
}
