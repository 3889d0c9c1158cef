// The payload of the publish -> deliver latency benchmark (little endian), the same for
// ordo and for the bare relay:
//
//    0          8              16             24                          payloadBytes
//    +----------+--------------+--------------+---------------------------+
//    | seq u64  | due f64 (ms) | call f64 (ms)| filler: byte k = k & 255  |
//    +----------+--------------+--------------+---------------------------+
//
//   seq   the publisher's count 1, 2, 3... (ordo: equal to the message's pseq)
//   due   when the message was meant to be sent (open loop: latency counts from here, so a late
//         send counts against the system, coordinated omission corrected)
//   call  when the publisher called publish() / put it into its frame
// Times are on the machine's monotonic clock (engine/trace/monotonic-clock.ts).

export const SEQ_POS = 0
export const DUE_POS = 8
export const CALL_POS = 16
export const MIN_PAYLOAD_BYTES = 24

export function latencyPayload(payloadBytes: number): Uint8Array {
  if (!Number.isInteger(payloadBytes) || payloadBytes < MIN_PAYLOAD_BYTES) {
    throw new RangeError(`payload too small: size=${payloadBytes}, min=${MIN_PAYLOAD_BYTES}`)
  }
  const p = new Uint8Array(payloadBytes)
  for (let k = MIN_PAYLOAD_BYTES; k < payloadBytes; k++) p[k] = k & 255
  return p
}
