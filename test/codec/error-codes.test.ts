// The error table holds its fixed numbers, once each (new codes only ever added at
// the end), and the close codes follow the documented rule.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CloseCode, closeCodeFor, ERROR_CODES, ErrorCode, errorCodeInfo, errorCodeName } from '../../codec/error-codes.js'

test('numbers are the fixed ones, dense from 1, each with a meaning', () => {
  const fixed: Record<string, number> = {
    BAD_FRAME: 1, HELLO_REQUIRED: 2, BAD_TOKEN: 3, FORBIDDEN_GROUP: 4, UNKNOWN_GROUP: 5, PAYLOAD_TOO_LARGE: 6,
    TOO_MANY_GROUPS: 7, FRAME_TOO_LARGE: 8, TOO_MANY_SUBSCRIPTIONS: 9, TOO_MANY_CONNECTIONS: 10, BAD_GROUP_NAME: 11,
    PSEQ_GAP: 12, DUPLICATE_OUTSIDE_WINDOW: 13, RETAINED_AWAY: 14, SLOW_CONSUMER: 15, UNKNOWN_SUBSCRIPTION: 16,
    DUPLICATE_SUBSCRIPTION_ID: 17, UNEXPECTED_FRAME: 18, TEXT_FRAME: 19, GOING_AWAY: 20, INTERNAL: 21,
    BAD_PUBLISHER: 22, OVERLOADED: 23, BAD_REQUEST: 24, EMPTY_GROUPS: 25, PUBLISHER_TAKEN: 26, IDEMPOTENCY_KEY_REUSED: 27, NOT_LEADER: 28,
    DISK_FULL: 29, JOURNAL_IO: 30, DURABLE_BUSY: 31, DURABLE_MISMATCH: 32,
  }
  assert.deepEqual({ ...ErrorCode }, fixed)
  assert.equal(ERROR_CODES.length, Object.keys(fixed).length)
  ERROR_CODES.forEach((e, i) => {
    assert.equal(e.code, i + 1)
    assert.equal(ErrorCode[e.name], e.code)
    assert.ok(e.meaning.length > 10)
    assert.equal(errorCodeName(e.code), e.name)
    assert.equal(errorCodeInfo(e.code), e)
  })
  assert.equal(errorCodeName(999), 'UNKNOWN(999)')
})

test('close codes: auth 1008, too big 1009, text 1003, going away 1001, others 4000+code', () => {
  assert.equal(closeCodeFor(ErrorCode.BAD_TOKEN), CloseCode.POLICY_VIOLATION)
  assert.equal(closeCodeFor(ErrorCode.TOO_MANY_CONNECTIONS), 1008)
  assert.equal(closeCodeFor(ErrorCode.FRAME_TOO_LARGE), 1009)
  assert.equal(closeCodeFor(ErrorCode.TEXT_FRAME), 1003)
  assert.equal(closeCodeFor(ErrorCode.GOING_AWAY), 1001)
  assert.equal(closeCodeFor(ErrorCode.SLOW_CONSUMER), 4015)
  assert.equal(closeCodeFor(ErrorCode.BAD_FRAME), 4001)
})
