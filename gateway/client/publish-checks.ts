// What is wrong with a message before it is queued: the checks the server would make, made at the call so
// that the caller hears at once (a rejected promise, or a throw from send()) and nothing is sent. The limits
// are the server's, from its Welcome.

import { ErrorCode } from '../../codec/error-codes.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import type { PayloadEncoder } from './payload-encoder.js'

export class PublishChecks {
  maxPayload = 1024 * 1024
  maxGroups = 16

  constructor(private readonly text: PayloadEncoder) {}

  /** What is wrong with a message before it is queued, or null. Allocates nothing when all is well. */
  problem(groups: readonly string[], payload: Uint8Array | string): OrdoError | null {
    if (!Array.isArray(groups) || groups.length === 0) return new OrdoError(ErrorCode.EMPTY_GROUPS, 'a message needs at least one group')
    const n = groups.length
    if (n > this.maxGroups) return new OrdoError(ErrorCode.TOO_MANY_GROUPS, `too many groups: groups=${n}, max=${this.maxGroups}`)
    for (let a = 1; a < n; a++) {
      for (let b = 0; b < a; b++) if (groups[a] === groups[b]) return new OrdoError(ErrorCode.EMPTY_GROUPS, `a group is named twice: groups=${groups.join(',')}`)
    }
    let size: number
    if (typeof payload === 'string') size = payload.length * 3 <= this.maxPayload ? 0 : this.text.byteLength(payload)
    else if (payload instanceof Uint8Array) size = payload.length
    else return new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'payload must be a Uint8Array or a string')
    if (size > this.maxPayload) return new OrdoError(ErrorCode.PAYLOAD_TOO_LARGE, `payload too large: size=${size}, max=${this.maxPayload}`)
    return null
  }
}
