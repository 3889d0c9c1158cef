// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. FlatBuffers strings must be UTF-8; the generated readers
// decode with a non-fatal TextDecoder, so without this a bad name would turn
// into U+FFFD silently instead of being refused.

/** True when bytes[start, end) is valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start
  while (i < end) {
    const b0 = bytes[i]!
    if (b0 < 0x80) {
      i++
      continue
    }
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end || (bytes[i + 1]! & 0xc0) !== 0x80) return false
      i += 2
      continue
    }
    if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return false
      const b1 = bytes[i + 1]!
      if ((b1 & 0xc0) !== 0x80 || (bytes[i + 2]! & 0xc0) !== 0x80) return false
      if (b0 === 0xe0 && b1 < 0xa0) return false // overlong
      if (b0 === 0xed && b1 >= 0xa0) return false // UTF-16 surrogate
      i += 3
      continue
    }
    if (b0 >= 0xf0 && b0 <= 0xf4) {
      if (i + 3 >= end) return false
      const b1 = bytes[i + 1]!
      if ((b1 & 0xc0) !== 0x80 || (bytes[i + 2]! & 0xc0) !== 0x80 || (bytes[i + 3]! & 0xc0) !== 0x80) return false
      if (b0 === 0xf0 && b1 < 0x90) return false // overlong
      if (b0 === 0xf4 && b1 >= 0x90) return false // above U+10FFFF
      i += 4
      continue
    }
    return false
  }
  return true
}
