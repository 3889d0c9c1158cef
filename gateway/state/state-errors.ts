// Named errors of the gateway's own state files (publisher bindings, idempotency
// keys). Each has a stable code and says which file and what to do.

export type StateErrorCode = 'STATE_CORRUPT' | 'STATE_IO'

export class GatewayStateError extends Error {
  readonly code: StateErrorCode
  readonly file: string

  constructor(code: StateErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GatewayStateError'
    this.code = code
    this.file = file
  }
}
