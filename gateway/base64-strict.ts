// Strict base64 for payloads given in JSON ({"base64": "..."}): the standard or
// the URL-safe alphabet, padding optional but right when present, and nothing
// else. Node's decoder skips characters it does not know and ignores unused
// trailing bits, which turned a typo into an empty or different payload.

const SHAPE = /^[A-Za-z0-9+/_-]*={0,2}$/

/** The bytes of a base64 text, or null when it is not base64. */
export function decodeBase64Strict(text: string): Uint8Array | null {
  if (!SHAPE.test(text)) return null
  const body = text.replace(/=+$/, '')
  if (body.length % 4 === 1) return null
  if (body.length !== text.length && text.length % 4 !== 0) return null
  const bytes = Buffer.from(body, 'base64')
  // Encoding again gives the text back only when no trailing bit was set.
  const again = bytes.toString('base64').replace(/=+$/, '')
  if (again !== body.replace(/-/g, '+').replace(/_/g, '/')) return null
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
}
