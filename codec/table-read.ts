// Vtable lookups on tables that were already verified (no bounds checks here:
// verifyFrame/verifyMessage are what make these reads safe).

/** Absolute position of field `index` of the table at tablePos, or 0 when absent. */
export function fieldPos(view: DataView, tablePos: number, index: number): number {
  const vt = tablePos - view.getInt32(tablePos, true)
  const vo = 4 + 2 * index
  if (vo >= view.getUint16(vt, true)) return 0
  const off = view.getUint16(vt + vo, true)
  return off === 0 ? 0 : tablePos + off
}

/** Target of the uoffset stored at p. */
export function indirect(view: DataView, p: number): number {
  return p + view.getUint32(p, true)
}

/** Position of the length field of the vector (or string) referenced by field `index`, or 0 when absent. */
export function vectorAt(view: DataView, tablePos: number, index: number): number {
  const p = fieldPos(view, tablePos, index)
  return p === 0 ? 0 : p + view.getUint32(p, true)
}
