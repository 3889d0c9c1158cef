// An exception in a subscribe handler must not kill the process: it is reported to the
// subscription's onError (HANDLER_FAILED, the cause attached) and the subscription goes on
// with the next delivery, as the client library does.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeEnd, runChild } from './procs/run-child.js'

test('a throwing subscribe handler is reported to onError and the subscription continues', { timeout: 60_000 }, async () => {
  const end = await runChild('throwing-handler', [], 30_000)
  const why = describeEnd(end)
  assert.equal(end.timedOut, false, why)
  assert.equal(end.code, 0, why)
  assert.match(end.stdout, /delivered: 1,2,3,4\n/, why)
  const errors = end.stdout.split('\n').filter((l) => l.startsWith('onError: '))
  assert.equal(errors.length, 1, why)
  assert.match(errors[0]!, /name=SubscriptionError code=HANDLER_FAILED message=subscription handler threw: .*handler bug/)
  assert.match(end.stdout, /closed/)
})
