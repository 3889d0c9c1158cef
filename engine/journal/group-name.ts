// The group naming rule (DESIGN.md): 1-255 bytes of UTF-8 drawn from [A-Za-z0-9._-].
// Every allowed character is ASCII, so the byte length equals the string length.

import { GroupNameError } from './errors.js'

export const MAX_GROUP_NAME_BYTES = 255

export const GroupNameProblem = {
  none: '',
  notString: 'not_a_string',
  empty: 'empty',
  tooLong: 'too_long',
  badChar: 'bad_char',
} as const
export type GroupNameProblem = (typeof GroupNameProblem)[keyof typeof GroupNameProblem]

function allowed(c: number): boolean {
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
    if (!allowed(name.charCodeAt(i))) return GroupNameProblem.badChar
  }
  if (name.length > MAX_GROUP_NAME_BYTES) return GroupNameProblem.tooLong
  return GroupNameProblem.none
}

/** Throws GroupNameError (code GROUP_NAME_INVALID) unless `name` follows the rule. */
export function validateGroupName(name: unknown, position = -1): asserts name is string {
  const problem = groupNameProblem(name)
  if (problem === GroupNameProblem.none) return
  const shown = typeof name === 'string' ? name : String(name)
  let extra = position >= 0 ? `position=${position}` : ''
  if (problem === GroupNameProblem.tooLong) extra += `${extra === '' ? '' : ', '}bytes=${shown.length}, max=${MAX_GROUP_NAME_BYTES}`
  if (problem === GroupNameProblem.badChar) {
    let at = 0
    while (at < shown.length && allowed(shown.charCodeAt(at))) at++
    extra += `${extra === '' ? '' : ', '}char=${JSON.stringify(shown.charAt(at))}, index=${at}`
  }
  throw new GroupNameError(problem, shown, extra)
}
