// Group patterns: '*' is exactly one segment, a final '>' one or more, literal
// segments match exactly; checked against a brute-force reference on random names.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupPattern, PatternSet } from '../../../gateway/auth/group-pattern.js'

test('literal, * and > patterns match the documented names', () => {
  const cases: [string, string, boolean][] = [
    ['orders', 'orders', true],
    ['orders', 'orders.eu', false],
    ['orders.*', 'orders.eu', true],
    ['orders.*', 'orders', false],
    ['orders.*', 'orders.eu.x', false],
    ['orders.>', 'orders.eu', true],
    ['orders.>', 'orders.eu.x', true],
    ['orders.>', 'orders', false],
    ['*.eu', 'orders.eu', true],
    ['*.eu', 'orders.us', false],
    ['>', 'a', true],
    ['>', 'a.b.c', true],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['orders.*', 'orders.', false],
  ]
  for (const [pattern, name, expected] of cases) {
    assert.equal(GroupPattern.compile(pattern).matches(name), expected, `${pattern} vs ${name}`)
  }
})

test('malformed patterns are refused', () => {
  for (const bad of ['', 'a..b', 'a.>.b', 'a b', 'a.*x', '.a', 'x'.repeat(256)]) {
    assert.throws(() => GroupPattern.compile(bad), /bad group pattern/, JSON.stringify(bad))
  }
})

function reference(pattern: string, name: string): boolean {
  const p = pattern.split('.')
  const n = name.split('.')
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return n.length > i && n.slice(i).every((x) => x !== '')
    if (i >= n.length) return false
    if (p[i] !== '*' && p[i] !== n[i]) return false
    if (n[i] === '') return false
  }
  return n.length === p.length
}

test('matching agrees with a reference on random patterns and names (seeded)', () => {
  const seed = 20261123
  let s = seed
  const rnd = (k: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s >>> 8) % k
  }
  const seg = () => ['a', 'b', 'c'][rnd(3)]!
  for (let i = 0; i < 5000; i++) {
    const plen = 1 + rnd(3)
    const parts: string[] = []
    for (let j = 0; j < plen; j++) parts.push(rnd(4) === 0 ? '*' : seg())
    if (rnd(3) === 0) parts[plen - 1] = '>'
    const pattern = parts.join('.')
    const nlen = 1 + rnd(4)
    const name = Array.from({ length: nlen }, seg).join('.')
    assert.equal(GroupPattern.compile(pattern).matches(name), reference(pattern, name), `seed=${seed} i=${i} ${pattern} vs ${name}`)
  }
})

test('a PatternSet allows a name when any pattern matches', () => {
  const set = new PatternSet(['orders.*', 'audit'])
  assert.equal(set.matches('orders.x'), true)
  assert.equal(set.matches('audit'), true)
  assert.equal(set.matches('audit.x'), false)
  assert.equal(new PatternSet([]).matches('x'), false)
  assert.equal(new PatternSet(['>']).matchesAll, true)
})
