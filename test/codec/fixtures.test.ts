// The committed v1 fixtures still verify and decode to the committed contents,
// and today's encoders still produce them byte for byte: a wire format change
// shows up here (then bump the version and regenerate with
// tools/make-codec-fixtures.ts, keeping the old fixtures readable).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { decodeFrame, MessageCursor, Verdict, verifyFrame } from '../../codec/index.js'
import { encodeFixture, FIXTURES, frameToJson } from './helpers/codec-fixture-set.js'

const dir = new URL('../../../test/fixtures/codec/v1/', import.meta.url)

interface Expected {
  version: number
  fixtures: { file: string; maker: string; length: number; frame: Record<string, unknown> }[]
}

const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected

test('every committed fixture verifies and decodes to its committed contents', () => {
  assert.equal(expected.version, 1)
  const types = new Set<string>()
  const verdict = new Verdict()
  for (const e of expected.fixtures) {
    const bytes = new Uint8Array(readFileSync(new URL(e.file, dir)))
    assert.equal(bytes.length, e.length, e.file)
    assert.equal(verifyFrame(bytes, 0, bytes.length, undefined, verdict), 0, `${e.file}: ${verdict.toString()}`)
    assert.deepEqual(frameToJson(decodeFrame(bytes)), e.frame, e.file)
    types.add(e.frame['type'] as string)
  }
  assert.equal(types.size, 13, 'every body type has a fixture')
})

test('fast-made fixtures hold canonical blobs the cursor reads', () => {
  const cursor = new MessageCursor()
  for (const e of expected.fixtures.filter((f) => f.maker === 'fast')) {
    const bytes = new Uint8Array(readFileSync(new URL(e.file, dir)))
    const messages = e.frame['messages'] as { gsn: string; pseq: string; groups: number[] }[]
    assert.equal(cursor.reset(bytes, 0, bytes.length), messages.length)
    for (let i = 0; cursor.next(); i++) {
      assert.equal(cursor.isCanonical, true, e.file)
      assert.equal(String(cursor.gsn), messages[i]!.gsn)
      assert.equal(String(cursor.pseq), messages[i]!.pseq)
      assert.equal(cursor.groupCount, messages[i]!.groups.length)
    }
  }
})

test('today\'s encoders reproduce every fixture byte for byte', () => {
  assert.deepEqual(
    FIXTURES.map((d) => d.file),
    expected.fixtures.map((e) => e.file),
  )
  for (const def of FIXTURES) {
    const committed = new Uint8Array(readFileSync(new URL(def.file, dir)))
    assert.deepEqual(encodeFixture(def), committed, def.file)
  }
})
