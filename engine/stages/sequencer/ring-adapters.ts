// Thin adapters from the ring classes to the arena-absolute positions the sequencer
// works with (every ring lives in the one arena buffer; index i of a ring's data region
// is arena byte dataOffset + i).

import type { RingConsumer } from '../../ring/ring-consumer.js'
import type { RingProducer } from '../../ring/ring-producer.js'
import type { IngressSource, SequencedSink } from './sequencer.js'

export class ArenaIngressSource implements IngressSource {
  length = 0
  type = 0
  constructor(private readonly consumer: RingConsumer, private readonly dataOffset: number) {}
  peek(): number {
    const at = this.consumer.peek()
    if (at < 0) return -1
    this.length = this.consumer.recordLength
    this.type = this.consumer.recordType
    return this.dataOffset + at
  }
  advance(): void {
    this.consumer.advance()
  }
  release(): void {
    this.consumer.releaseAll()
  }
  hasData(): boolean {
    return this.consumer.hasData()
  }
}

export class ArenaSequencedSink implements SequencedSink {
  readonly maxRecord: number
  constructor(readonly producer: RingProducer, private readonly dataOffset: number, maxPayload: number) {
    this.maxRecord = maxPayload
  }
  tryClaim(length: number, type: number): number {
    const at = this.producer.tryClaim(length, type)
    return at < 0 ? at : this.dataOffset + at
  }
  shrinkLast(length: number): void {
    this.producer.shrinkLast(length)
  }
  commit(): void {
    this.producer.commit()
  }
}
