// Named errors of the codec's non-hot-path API (frames.ts). Hot paths return
// numeric sentinels instead (codec/results.ts, codec/verify-codes.ts).
import { verifyCodeName } from './verify-codes.js'
import { OrdoBaseError } from './ordo-error.js'

export class CodecError extends OrdoBaseError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'CodecError'
  }
}

/** decodeFrame refused the bytes; `verifyCode` is the verifier's VerifyCode. */
export class FrameDecodeError extends CodecError {
  readonly verifyCode: number
  readonly position: number

  constructor(verifyCode: number, reason: string, position: number) {
    super('BAD_FRAME', `bad frame: code=${verifyCodeName(verifyCode)}, ${reason}`)
    this.name = 'FrameDecodeError'
    this.verifyCode = verifyCode
    this.position = position
  }
}

/** encodeFrame was given a value it cannot encode. */
export class FrameEncodeError extends CodecError {
  constructor(message: string) {
    super('BAD_VALUE', message)
    this.name = 'FrameEncodeError'
  }
}
