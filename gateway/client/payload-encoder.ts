// Text payloads to UTF-8 without a Uint8Array per message: ASCII (the common
// case) is copied by a loop into one reused buffer, anything else goes through
// TextEncoder.encodeInto into the same buffer. The bytes are valid until the next
// encode(): the caller copies them into a frame at once.

const encoder = new TextEncoder()

export class PayloadEncoder {
  bytes = new Uint8Array(4096)

  /** Encodes `s` into `bytes` and returns the byte length. */
  encode(s: string): number {
    const n = s.length
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    if (this.bytes.length < 3 * n) this.bytes = new Uint8Array(Math.max(3 * n, 2 * this.bytes.length))
    const b = this.bytes
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) return encoder.encodeInto(s, b).written
      b[i] = c
    }
    return n
  }

  /** UTF-8 length of `s`. */
  byteLength(s: string): number {
    return this.encode(s)
  }
}
