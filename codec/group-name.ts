// The group naming rule of the protocol: 1-255 bytes of UTF-8 drawn from [A-Za-z0-9._-].
// Every allowed character is ASCII, so the byte length equals the string length.
// One rule for everyone who checks a name: the engine's group registry (before it
// assigns an id), the gateway (so the client gets BAD_GROUP_NAME naming the name) and
// the client library (before it sends one). No node: imports (browsers use it).

export const MAX_GROUP_NAME_BYTES = 255

/** What is wrong with a name: a stable word ('' when nothing is). */
export const GroupNameProblem = {
  none: '',
  notString: 'not_a_string',
  empty: 'empty',
  tooLong: 'too_long',
  badChar: 'bad_char',
} as const
export type GroupNameProblem = (typeof GroupNameProblem)[keyof typeof GroupNameProblem]

/** Whether character code `c` may appear in a group name. */
export function isGroupNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x2d // -
  )
}

/** What is wrong with `name` (GroupNameProblem.none if nothing); no allocation. */
export function groupNameProblem(name: unknown): GroupNameProblem {
  if (typeof name !== 'string') return GroupNameProblem.notString
  if (name.length === 0) return GroupNameProblem.empty
  for (let i = 0; i < name.length && i <= MAX_GROUP_NAME_BYTES; i++) {
    if (!isGroupNameChar(name.charCodeAt(i))) return GroupNameProblem.badChar
  }
  if (name.length > MAX_GROUP_NAME_BYTES) return GroupNameProblem.tooLong
  return GroupNameProblem.none
}

export function isValidGroupName(name: unknown): name is string {
  return groupNameProblem(name) === GroupNameProblem.none
}

/**
 * Why a name is refused, as the text of a BAD_GROUP_NAME error ('' when it is valid).
 * A name that is too long is reported as such even when it also holds a bad character.
 */
export function groupNameProblemText(name: unknown): string {
  if (typeof name !== 'string') return `bad group name: not a string: ${String(name)}`
  if (name.length === 0) return 'bad group name: empty'
  if (name.length > MAX_GROUP_NAME_BYTES) return `bad group name: too long: size=${name.length}, max=${MAX_GROUP_NAME_BYTES}`
  if (groupNameProblem(name) !== GroupNameProblem.none) {
    return `bad group name: name=${JSON.stringify(name.slice(0, 64))}, allowed=[A-Za-z0-9._-]`
  }
  return ''
}
