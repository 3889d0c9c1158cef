// verifyMessage checks one Message table inside a given range: canonical blobs
// and Builder-made tables, with the Publish rules only when asked.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import { Verdict, verifyMessage, VerifyCode, writeMessage } from '../../codec/index.js'
import { Message } from '../../codec/ordo_generated.js'

function builderMessage(groups: number[], withStamps: boolean): { bytes: Uint8Array; table: number } {
  const b = new flatbuffers.Builder(64)
  const payload = b.createByteVector(new Uint8Array([1, 2, 3]))
  const g = Message.createGroupsVector(b, groups)
  const gseqs = withStamps ? Message.createGseqsVector(b, groups.map(() => 0n)) : 0
  Message.startMessage(b)
  Message.addPublisher(b, 5n)
  Message.addPseq(b, 1n)
  Message.addGroups(b, g)
  Message.addPayload(b, payload)
  if (withStamps) {
    b.forceDefaults(true)
    Message.addGsn(b, 0n)
    Message.addTime(b, 0n)
    Message.addGseqs(b, gseqs)
  }
  b.finish(Message.endMessage(b))
  const bytes = b.asUint8Array().slice()
  return { bytes, table: new DataView(bytes.buffer).getUint32(0, true) }
}

test('a canonical blob verifies as a message, with and without the Publish rules', () => {
  const bytes = new Uint8Array(256)
  const len = writeMessage(bytes, 0, 9, 1, [3, 4], 2, new Uint8Array(10), 0, 10)
  const v = new Verdict()
  assert.equal(verifyMessage(bytes, 0, len, 24, undefined, v), 0, v.toString())
  assert.equal(v.messageCount, 1)
  assert.equal(verifyMessage(bytes, 0, len, 24, undefined, v, true), 0, v.toString())
  assert.equal(verifyMessage(bytes, 0, len - 16, 24, undefined, v), VerifyCode.OUT_OF_BOUNDS)
})

test('Builder-made messages: the stamp fields matter only for Publish', () => {
  const v = new Verdict()
  const bare = builderMessage([1, 2], false)
  assert.equal(verifyMessage(bare.bytes, 0, bare.bytes.length, bare.table, undefined, v), 0, v.toString())
  assert.equal(verifyMessage(bare.bytes, 0, bare.bytes.length, bare.table, undefined, v, true), VerifyCode.MISSING_STAMP_FIELDS)
  const stamped = builderMessage([1, 2], true)
  assert.equal(verifyMessage(stamped.bytes, 0, stamped.bytes.length, stamped.table, undefined, v, true), 0, v.toString())
  const dup = builderMessage([7, 7], true)
  assert.equal(verifyMessage(dup.bytes, 0, dup.bytes.length, dup.table, undefined, v, true), VerifyCode.DUPLICATE_GROUP)
  assert.equal(verifyMessage(dup.bytes, 0, dup.bytes.length + 1, dup.table, undefined, v), VerifyCode.BAD_RANGE)
  assert.equal(verifyMessage(dup.bytes, 0, dup.bytes.length, dup.bytes.length, undefined, v), VerifyCode.OUT_OF_BOUNDS)
})
