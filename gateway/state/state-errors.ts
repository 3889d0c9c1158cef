// Named errors of the gateway's own state files (publisher bindings, idempotency
// keys). Each has a stable code and says which file and what to do.

import { OrdoBaseError } from '../../codec/ordo-error.js'

export type StateErrorCode = 'STATE_CORRUPT' | 'STATE_IO'

export class GatewayStateError extends OrdoBaseError {
  declare readonly code: StateErrorCode
  readonly file: string

  constructor(code: StateErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { cause: options?.cause, details: { file } })
    this.name = 'GatewayStateError'
    this.file = file
  }
}
