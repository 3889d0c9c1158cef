// The arena: one SharedArrayBuffer holding every ring of the pipeline, so a stage
// moves bytes from one ring to another with copyWithin (memmove inside one buffer)
// instead of building a view per copy. Untouched pages of a SharedArrayBuffer are
// never committed, so reserving ingress slots costs address space, not memory.
//
//   byte 0                      seqBytes            +ingBytes          +ingBytes ...   totalBytes
//        +---------------------+---------------------+-----------------+---- ... ---+
//        | sequenced ring      | ingress ring 0      | ingress ring 1  |            |
//        | header | data       | header | data       |                 |            |
//        +---------------------+---------------------+-----------------+---- ... ---+
//
//   sequenced ring: one producer (sequencer), consumers 0 = journal appender (sequencer
//                   thread), 1 = dispatcher (memory mode: only the dispatcher, consumer 0)
//   ingress ring 0: the main thread (embedded publish and the gateway)
//   ingress ring k: publisher threads (Engine.createPublisherPort)
// Every region starts on a 128-byte boundary (ring headers are 128-byte slots).

import { ringBufferBytes } from '../ring/ring-descriptor.js'

export interface ArenaLayout {
  readonly totalBytes: number
  readonly sequencedOffset: number
  readonly sequencedCapacity: number
  readonly sequencedConsumers: number
  readonly ingressOffsets: readonly number[]
  readonly ingressCapacity: number
}

function align128(n: number): number {
  return Math.ceil(n / 128) * 128
}

export function arenaLayout(sequencedCapacity: number, sequencedConsumers: number, ingressCapacity: number, ingressSlots: number): ArenaLayout {
  let at = 0
  const sequencedOffset = at
  at = align128(at + ringBufferBytes(sequencedCapacity, sequencedConsumers))
  const ingressOffsets: number[] = []
  for (let k = 0; k < ingressSlots; k++) {
    ingressOffsets.push(at)
    at = align128(at + ringBufferBytes(ingressCapacity, 1))
  }
  return { totalBytes: at, sequencedOffset, sequencedCapacity, sequencedConsumers, ingressOffsets, ingressCapacity }
}

/** Consumer index of the sequenced ring the journal appender reads (only with a journal). */
export const JOURNAL_CONSUMER = 0
/** Consumer index of the sequenced ring a cluster node's replicator reads (replicated mode only). */
export const REPLICA_CONSUMER = 2
/** Consumer index of the sequenced ring the dispatcher reads. */
export function dispatcherConsumer(memoryMode: boolean): number {
  return memoryMode ? 0 : 1
}
