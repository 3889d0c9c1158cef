// Deterministic record contents for ring tests: a record's payload is a function of its
// sequence number, so a consumer in another thread can verify every byte it receives.
//
//   0        4        8
//   +--------+--------+------------------------------+
//   | seq    |checksum| body (bodyLength(seq) bytes) |
//   +--------+--------+------------------------------+
//   checksum = FNV-1a of the body; body[i] = (seq * 31 + i * 7) & 0xff

export const PATTERN_HEADER = 8

/** Body length of record seq, 0 .. maxBody (spread so wrap-around and padding happen often). */
export function bodyLength(seq: number, maxBody: number): number {
  return (Math.imul(seq, 0x9e3779b1) >>> 0) % (maxBody + 1)
}

/** Record type of record seq (0 .. 6). */
export function recordType(seq: number): number {
  return seq % 7
}

export function fnv1a(bytes: Uint8Array, offset: number, length: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[offset + i]!, 0x01000193)
  return h >>> 0
}

/** Writes record seq's payload (PATTERN_HEADER + bodyLen bytes) at offset. */
export function writeRecord(bytes: Uint8Array, view: DataView, offset: number, seq: number, bodyLen: number): void {
  const body = offset + PATTERN_HEADER
  for (let i = 0; i < bodyLen; i++) bytes[body + i] = (seq * 31 + i * 7) & 0xff
  view.setUint32(offset, seq, true)
  view.setUint32(offset + 4, fnv1a(bytes, body, bodyLen), true)
}

/**
 * Checks a received record against what record `expectedSeq` must be. Returns '' when
 * it matches, else a description of the first difference.
 */
export function checkRecord(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  length: number,
  type: number,
  expectedSeq: number,
  maxBody: number,
): string {
  const seq = view.getUint32(offset, true)
  if (seq !== expectedSeq) return `sequence: got=${seq}, expected=${expectedSeq}`
  const bodyLen = bodyLength(seq, maxBody)
  if (length !== PATTERN_HEADER + bodyLen) return `length: seq=${seq}, got=${length}, expected=${PATTERN_HEADER + bodyLen}`
  if (type !== recordType(seq)) return `type: seq=${seq}, got=${type}, expected=${recordType(seq)}`
  const sum = fnv1a(bytes, offset + PATTERN_HEADER, bodyLen)
  if (sum !== view.getUint32(offset + 4, true)) return `checksum: seq=${seq}`
  for (let i = 0; i < bodyLen; i++) {
    if (bytes[offset + PATTERN_HEADER + i] !== ((seq * 31 + i * 7) & 0xff)) return `body: seq=${seq}, byte=${i}`
  }
  return ''
}
