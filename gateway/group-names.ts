// Group names (DESIGN.md "Guarantees"): 1-255 bytes of [A-Za-z0-9._-]. The
// characters are all ASCII, so string length equals byte length. Checked by the
// gateway before a name reaches the engine, so the client gets BAD_GROUP_NAME
// with the name, and by the client library before it sends one.
// No node: imports (the client library uses it).

const NAME = /^[A-Za-z0-9._-]{1,255}$/

export function isValidGroupName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name)
}

/** Why a name is refused, or '' when it is valid. */
export function groupNameProblem(name: unknown): string {
  if (typeof name !== 'string') return `bad group name: not a string: ${String(name)}`
  if (name.length === 0) return 'bad group name: empty'
  if (name.length > 255) return `bad group name: too long: size=${name.length}, max=255`
  if (!NAME.test(name)) return `bad group name: name=${JSON.stringify(name.slice(0, 64))}, allowed=[A-Za-z0-9._-]`
  return ''
}
