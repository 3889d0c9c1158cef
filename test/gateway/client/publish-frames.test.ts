// The buffers Publish frames are encoded into. A frame is kept until its messages are
// acknowledged (a reconnect or a refusal sends them again), so a paced publisher (a few
// messages per event-loop turn) has many frames unacknowledged at once. Each of them used
// to be a full-size buffer (room for maxFrameMessages slots and maxFrameBytes, ~260 KB
// by default): at 50 000 msg/s the pool's 16 free frames ran out and every further frame
// was a new 260 KB ArrayBuffer, which drove V8 into a mark-compact every ~40 ms
// ("external memory pressure") and into the publisher's latency tail.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PublishQueue } from '../../../gateway/client/publish-queue.js'
import { GroupResolver } from '../../../gateway/client/group-resolver.js'
import { PUBLISH_COUNT_POS } from '../../../codec/frame-layout.js'

/** A queue whose frames go nowhere: nothing is ever written or acknowledged, so every frame stays held. */
function heldQueue(): { queue: PublishQueue; frames: Uint8Array[] } {
  const frames: Uint8Array[] = []
  const resolver = new GroupResolver({ open: true, epoch: 0n, sendControl: () => true })
  resolver.onGroups(['g'], [1])
  const queue = new PublishQueue(
    { open: true, sendFrame: (frame) => void frames.push(frame) },
    resolver,
    { maxInFlight: 1 << 20, maxFrameMessages: 1024, maxFrameBytes: 256 * 1024 },
    () => {},
  )
  queue.publisher = 7
  return { queue, frames }
}

const countOf = (f: Uint8Array): number => new DataView(f.buffer, f.byteOffset, f.byteLength).getUint32(PUBLISH_COUNT_POS, true)
const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

test('a publisher sending one message per turn gets small frame buffers, however many are unacknowledged', async () => {
  const { queue, frames } = heldQueue()
  const payload = new Uint8Array(100)
  for (let i = 0; i < 100; i++) {
    queue.send(['g'], payload)
    await turn()
  }
  assert.equal(frames.length, 100)
  for (const f of frames) assert.equal(countOf(f), 1)
  const largest = Math.max(...frames.map((f) => f.buffer.byteLength))
  // 100 held frames of ~260 KB each were 26 MB of buffers; small frames hold 64 messages in 8 KB.
  assert.ok(largest <= 16 * 1024, `a one-message frame's buffer is ${largest} B`)
})

test('a turn that fills its first frame goes on in full-size frames: bulk publishing keeps its frame count', async () => {
  const { queue, frames } = heldQueue()
  const payload = new Uint8Array(100)
  for (let i = 0; i < 5000; i++) queue.send(['g'], payload)
  await turn()
  assert.equal(frames.reduce((n, f) => n + countOf(f), 0), 5000)
  // The first frame is a small one (64 messages), the rest full-size (1 024 each): 64 + 5 x 1024 >= 5000.
  assert.ok(frames.length <= 6, `${frames.length} frames for 5000 messages`)
  assert.equal(countOf(frames[1]!), 1024)
})

test('frames are reused once written and acknowledged: a steady paced stream allocates no new buffers', async () => {
  const written: (() => void)[] = []
  const frames: Uint8Array[] = []
  const resolver = new GroupResolver({ open: true, epoch: 0n, sendControl: () => true })
  resolver.onGroups(['g'], [1])
  const queue = new PublishQueue(
    { open: true, sendFrame: (frame, onWritten) => void (frames.push(frame), written.push(onWritten)) },
    resolver,
    { maxInFlight: 1 << 20, maxFrameMessages: 1024, maxFrameBytes: 256 * 1024 },
    () => {},
  )
  queue.publisher = 7
  const payload = new Uint8Array(100)
  const buffers = new Set<ArrayBufferLike>()
  for (let i = 1; i <= 200; i++) {
    queue.send(['g'], payload)
    await turn()
    written.shift()!()
    queue.onAckPair(i, 1000 + i)
    buffers.add(frames[frames.length - 1]!.buffer)
  }
  assert.equal(queue.acked, 200)
  assert.ok(buffers.size <= 2, `${buffers.size} distinct frame buffers for 200 frames`)
})
