// Errors for programming mistakes around rings (bad buffer, bad argument). Hot-path
// conditions (full, empty, too large) are numeric sentinels instead: see codec/results.ts (RingResult).

import { OrdoBaseError } from '../../codec/ordo-error.js'

export const RingErrorCode = {
  badCapacity: 'RING_BAD_CAPACITY',
  badBuffer: 'RING_BAD_BUFFER',
  badConsumerIndex: 'RING_BAD_CONSUMER_INDEX',
  badLength: 'RING_BAD_LENGTH',
  badRecordType: 'RING_BAD_RECORD_TYPE',
  badShrink: 'RING_BAD_SHRINK',
  badRelease: 'RING_BAD_RELEASE',
  consumerDetached: 'RING_CONSUMER_DETACHED',
} as const
export type RingErrorCode = (typeof RingErrorCode)[keyof typeof RingErrorCode]

export class RingError extends OrdoBaseError {
  declare readonly code: RingErrorCode

  constructor(code: RingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'RingError'
  }
}
