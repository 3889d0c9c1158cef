// Named errors of token handling. Each has a stable `code`; the server turns any
// of them into wire error BAD_TOKEN (codec/error-codes.ts) with the message.

export type AuthErrorCode = 'BAD_TOKEN' | 'TOKEN_EXPIRED' | 'BAD_SIGNATURE' | 'BAD_PATTERN' | 'BAD_CLAIMS'

export class AuthError extends Error {
  readonly code: AuthErrorCode

  constructor(code: AuthErrorCode, message: string) {
    super(message)
    this.name = 'AuthError'
    this.code = code
  }
}
