// The last word of a peer subscriber process (JetStream, Redis): what its DeliveryChecker found, clock errors,
// whether it was told to stop early, and its latency histogram, as one 'done' line for the runner.

import * as hdr from 'hdr-histogram-js'
import { emit, received } from './child-io.js'
import type { DeliveryChecker } from '../peer-payload.js'

export function emitSubscriberDone(
  checker: DeliveryChecker,
  negative: number,
  count: number,
  firstUs: number,
  lastUs: number,
  hist: hdr.Histogram | null,
): void {
  const problems = checker.finish()
  if (negative > 0) problems.push(`${negative} latency samples arrived before their intended send time (clock error)`)
  if (received('stop') && problems.length === 0) problems.push(`told to stop after ${count} messages`)
  emit({
    t: 'done',
    received: checker.received,
    firstUs,
    lastUs,
    problems,
    ...(hist !== null ? { hist: hdr.encodeIntoCompressedBase64(hist) } : {}),
  })
}
