// G2-G4 under concurrent publishers with overlapping group sets (fsync mode).
//
//   3 publisher threads (RingPublisher) ─┐
//   main thread: engine.publish() ───────┼─▶ engine ─▶ subscribers {a} {b} {c} {a,c} {a,b,c} from gsn 1
//                                        │            + {a,c} from gsn 1 started mid-run (replay, then live)
//
// Forbidden outcomes: a gap or repeat in any subscriber's gsn stream; a per-group gseq that
// is not 1..n in order at a subscriber of that group; two subscribers disagreeing on a gsn's
// publisher, pseq, groups, gseqs or payload; a subscriber missing a message whose groups meet
// its own, or getting one whose groups do not; a publisher's pseqs out of gsn order or not dense.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { Engine } from '../../../engine/index.js'
import { cleanup, collect, pickSeed, rng, tempDir, until, type Seen } from './helpers.js'

const THREADS = 3
const PER_THREAD = 30_000
const MAIN = 10_000
const TOTAL = THREADS * PER_THREAD + MAIN

function sig(m: Seen): string {
  return `${m.publisher}/${m.pseq}/${m.groups.join(',')}/${m.gseqs.join(',')}/${m.payload.toString('hex')}`
}

test('order: dense gsns and gseqs, same content everywhere, exact group filtering, publisher FIFO', { timeout: 60_000 }, async () => {
  const seed = pickSeed()
  const dir = tempDir('order')
  let engine: Engine | null = null
  try {
    engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
    const e = engine
    const [A, B, C] = e.resolveGroupIds(['a', 'b', 'c'], true) as [number, number, number]
    const sets = [[A], [B], [A, B], [B, C], [A, B, C]]
    const names = [['a'], ['b'], ['a', 'b'], ['b', 'c'], ['a', 'b', 'c']]

    const subGroups: string[][] = [['a'], ['b'], ['c'], ['a', 'c'], ['a', 'b', 'c']]
    const streams: { groups: string[]; ids: number[]; seen: Seen[] }[] = []
    for (const g of subGroups) {
      const seen: Seen[] = []
      e.subscribe(g, { fromGsn: 1n }, collect(seen))
      streams.push({ groups: g, ids: e.resolveGroupIds(g, false), seen })
    }
    const all = streams[streams.length - 1]!.seen

    const done: Promise<{ publisher: number; acked: boolean; ackedPseq: number }>[] = []
    for (let t = 0; t < THREADS; t++) {
      const port = e.createPublisherPort()
      const w = new Worker(new URL('./procs/publisher-thread.js', import.meta.url), {
        workerData: { port, sets, count: PER_THREAD, seed: (seed + t + 1) >>> 0, tag: t + 1 },
      })
      done.push(new Promise((res, rej) => {
        w.once('message', res)
        w.once('error', rej)
        w.once('exit', (code) => rej(new Error(`publisher thread ${t} exited early: code=${code}`)))
      }))
    }

    // Main-thread publishes, interleaved with the threads; the late subscriber starts halfway.
    const rand = rng(seed)
    const acks: { gsn: bigint; gseqs: bigint[]; set: number; i: number }[] = []
    let late: { groups: string[]; ids: number[]; seen: Seen[] } | null = null
    let lateStartedAt = 0
    let lateLive: Promise<void> | null = null
    for (let base = 0; base < MAIN; base += 500) {
      const batch: Promise<void>[] = []
      for (let i = base; i < base + 500; i++) {
        const s = Math.floor(rand() * sets.length)
        const p = Buffer.alloc(8 + (i % 40), i & 0xff)
        p[0] = s
        p[1] = 0
        p.writeUInt32LE(i, 4)
        batch.push(e.publish(names[s]!, p).then((r) => {
          acks.push({ gsn: r.gsn, gseqs: r.gseqs, set: s, i })
        }))
      }
      await Promise.all(batch)
      if (late === null && base >= MAIN / 2) {
        const seen: Seen[] = []
        lateStartedAt = Number(e.durableGsn)
        lateLive = e.subscribe(['a', 'c'], { fromGsn: 1n }, collect(seen)).live
        late = { groups: ['a', 'c'], ids: e.resolveGroupIds(['a', 'c'], false), seen }
      }
    }
    const results = await Promise.all(done)
    for (const r of results) assert.ok(r.acked, `publisher ${r.publisher} not fully acked: ackedPseq=${r.ackedPseq}, seed=${seed}`)
    assert.ok(late !== null && lateLive !== null)
    assert.ok(lateStartedAt > 1000, `the late subscriber must start with history to replay: durableGsn=${lateStartedAt}`)
    await lateLive
    streams.push(late)

    await until(() => all.length >= TOTAL, 30_000, () => `all=${all.length}/${TOTAL}, seed=${seed}`)
    // The other streams finish within the same dispatch passes; give them a moment.
    const expectedCount = (ids: number[]): number => all.filter((m) => m.groups.some((g) => ids.includes(g))).length
    for (const s of streams) {
      const want = expectedCount(s.ids)
      await until(() => s.seen.length >= want, 15_000, () => `subscriber {${s.groups}}: ${s.seen.length}/${want}, seed=${seed}`)
    }
    await new Promise((r) => setTimeout(r, 100))

    // The {a,b,c} stream covers every message: dense 1..TOTAL.
    assert.equal(all.length, TOTAL, `seed=${seed}`)
    const truth = new Map<number, string>()
    for (let i = 0; i < all.length; i++) {
      assert.equal(all[i]!.gsn, i + 1, `gsn gap/repeat at index ${i}, seed=${seed}`)
      truth.set(all[i]!.gsn, sig(all[i]!))
    }
    // Groups as chosen by the publisher (payload byte 0 is the set index).
    for (const m of all) assert.deepEqual(m.groups, sets[m.payload[0]!], `gsn=${m.gsn}: groups differ from the publisher's, seed=${seed}`)

    for (const s of streams) {
      const label: string = `subscriber {${s.groups}}${s === late ? ' (late)' : ''}, seed=${seed}`
      const expected = all.filter((m) => m.groups.some((g) => s.ids.includes(g))).map((m) => m.gsn)
      assert.deepEqual(s.seen.map((m) => m.gsn), expected, `${label}: not exactly the messages whose groups meet its own`)
      const gseq = new Map<number, number>()
      for (const m of s.seen) {
        assert.equal(sig(m), truth.get(m.gsn), `${label}: gsn=${m.gsn} differs from the reference stream`)
        for (let k = 0; k < m.groups.length; k++) {
          const g = m.groups[k]!
          if (!s.ids.includes(g)) continue
          const want = (gseq.get(g) ?? 0) + 1
          assert.equal(m.gseqs[k], want, `${label}: group ${g} gseq not dense at gsn=${m.gsn}`)
          gseq.set(g, want)
        }
      }
    }

    // Publisher FIFO: per publisher, pseq 1..n in gsn order.
    const byPub = new Map<number, number>()
    for (const m of all) {
      const want = (byPub.get(m.publisher) ?? 0) + 1
      assert.equal(m.pseq, want, `publisher ${m.publisher}: pseq ${m.pseq} at gsn ${m.gsn}, expected ${want}, seed=${seed}`)
      byPub.set(m.publisher, want)
    }
    assert.equal(byPub.size, THREADS + 1)
    for (const r of results) assert.equal(byPub.get(r.publisher), PER_THREAD)

    // Each thread's messages in its own order (payload index) and the main thread's acks agree with delivery.
    const idx = new Map<number, number>()
    for (const m of all) {
      const tag = m.payload[1]!
      const i = m.payload.readUInt32LE(4)
      const want = idx.get(tag) ?? 0
      if (tag !== 0) assert.equal(i, want, `thread tag ${tag}: message ${i} out of order at gsn ${m.gsn}`)
      idx.set(tag, want + 1)
    }
    assert.equal(acks.length, MAIN)
    for (const a of acks) {
      const m = all[Number(a.gsn) - 1]!
      assert.equal(m.payload[1], 0, `ack gsn=${a.gsn} is not a main-thread message`)
      assert.equal(m.payload.readUInt32LE(4), a.i, `ack gsn=${a.gsn} carries another message`)
      assert.deepEqual(m.gseqs, a.gseqs.map(Number), `ack gsn=${a.gsn}: gseqs differ from delivery`)
    }
  } finally {
    if (engine !== null) await engine.close()
    cleanup(dir)
  }
})
