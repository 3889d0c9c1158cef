// One base class for every error: the engine's, the journal's, the rings', the codec's,
// token checks' and the client library's errors are OrdoBaseErrors with a stable string
// `code`, the protocol number in `wireCode` where they are protocol errors, key=value
// `details` and `cause` where they wrap one.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OrdoBaseError, withDetails } from '../../codec/ordo-error.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { CodecError } from '../../codec/errors.js'
import { EngineArgumentError, EngineLockedError, EngineUnavailableError, PublishRefusedError, SubscriptionError } from '../../engine/errors.js'
import { JournalIoError } from '../../engine/journal/errors.js'
import { RingError, RingErrorCode } from '../../engine/ring/ring-errors.js'
import { AuthError } from '../../gateway/auth/auth-errors.js'
import { ClientErrorCode, OrdoError } from '../../gateway/client/errors.js'

test('every family extends OrdoBaseError with a string code', () => {
  const cause = Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })
  const all: OrdoBaseError[] = [
    new CodecError('BAD_FRAME', 'bad'),
    new EngineArgumentError('payload must be a Uint8Array or a string', { got: 'number:42' }),
    new EngineLockedError('/data', 'pid=1'),
    new PublishRefusedError('PSEQ_GAP', 'gap', 5n, { wireCode: ErrorCode.PSEQ_GAP }),
    new SubscriptionError('HANDLER_FAILED', 'threw', 3n, { cause }),
    new JournalIoError('write', '/data/journal/1.seg', cause),
    new RingError(RingErrorCode.badLength, 'bad length'),
    new AuthError('BAD_SIGNATURE', 'bad signature'),
    new OrdoError(ErrorCode.FORBIDDEN_GROUP, 'forbidden', 7n),
    new OrdoError(ClientErrorCode.CLOSED, 'client closed'),
  ]
  for (const e of all) {
    assert.ok(e instanceof OrdoBaseError, e.name)
    assert.ok(e instanceof Error)
    assert.equal(typeof e.code, 'string', e.name)
    assert.match(e.code, /^[A-Z][A-Z_]+$/, e.name)
  }
})

test('wire errors carry the protocol number; client errors of their own do not', () => {
  const wire = new OrdoError(ErrorCode.FORBIDDEN_GROUP, 'forbidden', 7n)
  assert.equal(wire.code, 'FORBIDDEN_GROUP')
  assert.equal(wire.codeName, 'FORBIDDEN_GROUP')
  assert.equal(wire.wireCode, ErrorCode.FORBIDDEN_GROUP)
  assert.equal(wire.ref, 7n)
  assert.deepEqual(wire.details, { ref: 7n })
  const disk = new OrdoError(ErrorCode.DISK_FULL, 'full', 9n)
  assert.equal(disk.retryable, true)
  const own = new OrdoError(ClientErrorCode.CLOSED, 'client closed')
  assert.equal(own.code, 'CLOSED')
  assert.equal(own.wireCode, undefined)
  assert.equal(new AuthError('TOKEN_EXPIRED', 'expired').wireCode, ErrorCode.BAD_TOKEN)
})

test('details are key=value in the message and as data; cause is kept', () => {
  const e = new EngineArgumentError('fromGsn must be a bigint in 0..2^64-1', { fromGsn: '-5n' })
  assert.equal(e.message, 'fromGsn must be a bigint in 0..2^64-1: fromGsn=-5n')
  assert.deepEqual(e.details, { fromGsn: '-5n' })
  const u = new EngineUnavailableError('DISK_FULL', ErrorCode.DISK_FULL, 'the engine takes no publishes', { errno: 'ENOSPC', action: 'free space, then wait' })
  assert.equal(u.message, 'the engine takes no publishes: errno=ENOSPC, action="free space, then wait"')
  assert.equal(u.retryable, true)
  assert.equal(u.wireCode, ErrorCode.DISK_FULL)
  const cause = Object.assign(new Error('EIO'), { code: 'EIO' })
  const j = new JournalIoError('fsync', '/j/1.seg', cause)
  assert.equal(j.cause, cause)
  assert.equal(j.errno, 'EIO')
  assert.equal(withDetails('x', {}), 'x')
})
