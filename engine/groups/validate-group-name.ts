// The group registry's check of a name before it assigns an id: the protocol's rule
// (codec/group-name.ts), thrown as a named error with the details a caller can act on.

import { GroupNameProblem, MAX_GROUP_NAME_BYTES, groupNameProblem, isGroupNameChar } from '../../codec/group-name.js'
import { GroupNameError } from '../journal/errors.js'

/** Throws GroupNameError (code GROUP_NAME_INVALID) unless `name` follows the rule. */
export function validateGroupName(name: unknown, position = -1): asserts name is string {
  const problem = groupNameProblem(name)
  if (problem === GroupNameProblem.none) return
  const shown = typeof name === 'string' ? name : String(name)
  let extra = position >= 0 ? `position=${position}` : ''
  if (problem === GroupNameProblem.tooLong) extra += `${extra === '' ? '' : ', '}bytes=${shown.length}, max=${MAX_GROUP_NAME_BYTES}`
  if (problem === GroupNameProblem.badChar) {
    let at = 0
    while (at < shown.length && isGroupNameChar(shown.charCodeAt(at))) at++
    extra += `${extra === '' ? '' : ', '}char=${JSON.stringify(shown.charAt(at))}, index=${at}`
  }
  throw new GroupNameError(problem, shown, extra)
}
