// The reusable result object of the verifier. A gateway keeps one per
// connection (or one per thread) and passes it to every verify call; nothing is
// allocated on success. On failure the verifier fills `reason` with a
// key=value description, e.g. `vector out of bounds: field=payload, end=..., size=...`.
import { bodyTypeName } from './body-type.js'
import { verifyCodeName } from './verify-codes.js'

export class Verdict {
  /** 0 (OK) or a VerifyCode. */
  code = 0
  /** Frame.body_type once read (0 before that). */
  bodyType = 0
  /** Messages in the Publish/Deliver frame, or blobs for verifyBlobs. */
  messageCount = 0
  /** Where the defect was found, relative to the start of the verified range; -1 when not applicable. */
  position = -1
  /** Human-readable description, set only on failure. */
  reason = ''
  /**
   * The frame verifyFrame last accepted with this verdict, and whether all its
   * messages are canonical blobs: MessageCursor.reset(bytes, offset, length,
   * verdict) then skips its own per-message layout checks. Cleared on failure.
   */
  frame: Uint8Array | null = null
  frameOffset = 0
  frameLength = 0
  allCanonical = false

  get ok(): boolean {
    return this.code === 0
  }

  get codeName(): string {
    return verifyCodeName(this.code)
  }

  get bodyTypeName(): string {
    return bodyTypeName(this.bodyType)
  }

  reset(): void {
    this.code = 0
    this.bodyType = 0
    this.messageCount = 0
    this.position = -1
    this.reason = ''
    this.frame = null
    this.frameOffset = 0
    this.frameLength = 0
    this.allCanonical = false
  }

  toString(): string {
    return this.code === 0 ? 'OK' : `${this.codeName}: ${this.reason}`
  }
}
