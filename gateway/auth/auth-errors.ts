// Named errors of token handling. Each has a stable `code`; the server turns any
// of them into wire error BAD_TOKEN (codec/error-codes.ts) with the message.

import { OrdoBaseError } from '../../codec/ordo-error.js'
import { ErrorCode } from '../../codec/error-codes.js'

export type AuthErrorCode = 'BAD_TOKEN' | 'TOKEN_EXPIRED' | 'BAD_SIGNATURE' | 'BAD_PATTERN' | 'BAD_CLAIMS'

export class AuthError extends OrdoBaseError {
  declare readonly code: AuthErrorCode

  constructor(code: AuthErrorCode, message: string) {
    super(code, message, { wireCode: ErrorCode.BAD_TOKEN })
    this.name = 'AuthError'
  }
}
