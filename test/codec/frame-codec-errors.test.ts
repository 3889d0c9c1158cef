// decodeFrame and encodeFrame fail with named errors carrying stable codes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodecError, decodeFrame, encodeFrame, encodeHeartbeat, FrameDecodeError, FrameEncodeError, VerifyCode } from '../../codec/index.js'

test('decodeFrame throws FrameDecodeError with the verifier code and reason', () => {
  const bytes = encodeHeartbeat({ durableGsn: 1n })
  assert.throws(
    () => decodeFrame(bytes.subarray(0, bytes.length - 4)),
    (err: unknown) => {
      assert.ok(err instanceof FrameDecodeError)
      assert.ok(err instanceof CodecError)
      assert.equal(err.code, 'BAD_FRAME')
      assert.notEqual(err.verifyCode, VerifyCode.OK)
      assert.match(err.message, /^bad frame: code=[A-Z_]+, /)
      return true
    },
  )
})

test('encodeFrame refuses out-of-range values with FrameEncodeError', () => {
  assert.throws(() => encodeFrame({ type: 'Unsubscribe', id: -1 }), FrameEncodeError)
  assert.throws(() => encodeFrame({ type: 'Unsubscribe', id: 2 ** 32 }), /not a u32: field=id, value=4294967296/)
  assert.throws(() => encodeFrame({ type: 'Heartbeat', durableGsn: 2n ** 64n }), /not a u64 bigint: field=durableGsn/)
  assert.throws(() => encodeFrame({ type: 'Heartbeat', durableGsn: -1n }), (e: unknown) => e instanceof FrameEncodeError && e.code === 'BAD_VALUE')
})
