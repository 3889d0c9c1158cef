// Wildcards and empty segments: '*' and '>' agree. Both stand only for
// non-empty segments, so a name with an empty segment ('orders.', '.x',
// 'a..b') is matched by no wildcard; a pattern never matches it either,
// because patterns cannot contain empty segments.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupPattern, PatternSet } from '../../../gateway/auth/group-pattern.js'

test("'>' does not match names with empty segments, like '*'", () => {
  const cases: [string, string][] = [
    ['orders.>', 'orders.'],
    ['orders.>', 'orders..x'],
    ['orders.>', 'orders.x.'],
    ['orders.*', 'orders.'],
    ['>', '.x'],
    ['>', 'x.'],
    ['>', 'a..b'],
    ['*', '.'],
    ['*.>', 'a.'],
  ]
  for (const [pattern, name] of cases) {
    assert.equal(GroupPattern.compile(pattern).matches(name), false, `${pattern} vs ${name}`)
  }
  assert.equal(new PatternSet(['>']).matches('a..b'), false, "a set holding '>' alone")
  assert.equal(new PatternSet(['>']).matches('a.b'), true)
  assert.equal(GroupPattern.compile('orders.>').matches('orders.x.y'), true)
})
