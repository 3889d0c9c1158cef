// Doorbell: how a thread sleeps until another thread changes something, without the
// other thread paying for a notify when nobody sleeps. An event count in two Int32 words:
// `seq` (bumped on each ring that finds a sleeper) and `waiters` (how many are about to
// sleep or sleeping). Each ring embeds two (data available, space available); a stage
// that consumes several rings (the sequencer reading every ingress ring) gives all their
// producers one shared doorbell and sleeps on that.
//
// Protocol (sleeper S, waker W; every access is a sequentially consistent Atomics op):
//   S: seq = load(seq); add(waiters, 1); re-check the condition;
//      if it holds: sub(waiters, 1) — else wait(seq, expected = seq); sub(waiters, 1)
//   W: make the change (e.g. store the tail); if load(waiters) != 0: add(seq, 1); notify(seq)
// Why no wake is lost: in the single total order of SC operations, either W's load of
// `waiters` comes after S's add — then W bumps `seq` after S read it, so S's wait either
// finds seq changed and returns at once, or is asleep and gets the notify — or it comes
// before S's add, and then W's change (earlier in W's program order) is before S's
// re-check, which sees it and does not sleep. Without the re-check after registering,
// a change made between S's last look and its add would go unnoticed until the timeout.
// Waiting on `seq` rather than on the watched counter lets one doorbell serve several
// counters (and close/detach events) at once.
//
// Layout when standalone (Doorbell.create): one 128-byte slot of its own so ringing it
// does not disturb any other counter.
//   0        4        8                                   128
//   +--------+--------+-----------------------------------+
//   | seq    | waiters| (unused: keeps the slot private)  |
//   +--------+--------+-----------------------------------+
// It can also be laid over two words of another block (e.g. the engine's watermark
// block) with `new Doorbell(i32, seqIndex, waitersIndex)`; `waiters` may then be a 0/1
// flag maintained by its owner.

import { SLOT_BYTES } from './ring-descriptor.js'

export const DOORBELL_BYTES = SLOT_BYTES
export const DOORBELL_SEQ = 0
export const DOORBELL_WAITERS = 1

interface WaitAsyncResult {
  async: boolean
  value: 'not-equal' | 'timed-out' | 'ok' | Promise<'ok' | 'timed-out'>
}
// Atomics.waitAsync is in Node >= 16 but not in TypeScript's ES2022 lib.
const waitAsync = (Atomics as unknown as {
  waitAsync: (i32: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult
}).waitAsync

// Largest timer delay Node accepts (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1
function noop(): void {}

// A pending Atomics.waitAsync does not keep Node's event loop alive (the process would exit
// mid-wait with nothing else scheduled), so a timer holds it open while any wait of this
// thread is pending. One timer per thread, ref'd while waits are pending and unref'd
// otherwise: a timer made per wait cost an allocation and a timer-list insert and removal
// at every sleep, which the dispatcher does per message at low rates.
let keepAlive: ReturnType<typeof setInterval> | null = null
let pendingWaits = 0

function holdLoop(): void {
  if (pendingWaits++ === 0) {
    keepAlive ??= setInterval(noop, MAX_TIMER_MS)
    keepAlive.ref()
  }
}

function releaseLoop(): void {
  if (--pendingWaits === 0) keepAlive!.unref()
}

export class Doorbell {
  readonly i32: Int32Array
  readonly seqIndex: number
  readonly waitersIndex: number

  constructor(i32: Int32Array, seqIndex: number, waitersIndex: number) {
    this.i32 = i32
    this.seqIndex = seqIndex
    this.waitersIndex = waitersIndex
  }

  /** A doorbell in a SharedArrayBuffer of its own (post `.buffer` to other threads). */
  static create(): Doorbell {
    return new Doorbell(new Int32Array(new SharedArrayBuffer(DOORBELL_BYTES)), DOORBELL_SEQ, DOORBELL_WAITERS)
  }

  /** Opens a doorbell made by create() (in another thread). */
  static attach(sab: SharedArrayBuffer): Doorbell {
    return new Doorbell(new Int32Array(sab, 0, DOORBELL_BYTES / 4), DOORBELL_SEQ, DOORBELL_WAITERS)
  }

  get buffer(): SharedArrayBuffer {
    return this.i32.buffer as SharedArrayBuffer
  }

  /** Number of threads registered as sleeping (or about to). */
  get waiters(): number {
    return Atomics.load(this.i32, this.waitersIndex)
  }

  /**
   * Waker side, after the change is stored: wake sleepers if any registered. Costs one
   * load of a line nobody writes in steady state; the notify (~tens of ns even with no
   * waiter, tens of µs to wake one) only when someone sleeps.
   */
  ring(): void {
    if (Atomics.load(this.i32, this.waitersIndex) !== 0) {
      // add before notify: a sleeper between its load of seq and its wait sees seq moved.
      Atomics.add(this.i32, this.seqIndex, 1)
      Atomics.notify(this.i32, this.seqIndex)
    }
  }

  /** Rings whether or not anyone registered (close, detach: rare events). */
  forceRing(): void {
    Atomics.add(this.i32, this.seqIndex, 1)
    Atomics.notify(this.i32, this.seqIndex)
  }

  /** Sleeper, step 1: returns the sequence to wait on; the caller must re-check its condition next. */
  prepare(): number {
    const seq = Atomics.load(this.i32, this.seqIndex)
    Atomics.add(this.i32, this.waitersIndex, 1)
    return seq
  }

  /** Sleeper: the re-check found work; undo prepare(). */
  cancel(): void {
    Atomics.sub(this.i32, this.waitersIndex, 1)
  }

  /**
   * Sleeper, step 3 (worker threads only: blocks the thread): sleeps until rung or the
   * timeout, then unregisters. Returns false on timeout.
   */
  await(seq: number, timeoutMs: number): boolean {
    const r = Atomics.wait(this.i32, this.seqIndex, seq, timeoutMs)
    Atomics.sub(this.i32, this.waitersIndex, 1)
    return r !== 'timed-out'
  }

  /**
   * Sleeper, step 3 for the main thread: Atomics.waitAsync, so the event loop keeps
   * running. Resolves false on timeout. Allocates the promises of one wait (no closure,
   * no timer): call it per sleep, not per record.
   */
  awaitAsync(seq: number, timeoutMs: number): Promise<boolean> {
    const r = waitAsync(this.i32, this.seqIndex, seq, timeoutMs)
    if (!r.async) {
      this.cancel()
      return Promise.resolve(r.value !== 'timed-out')
    }
    holdLoop()
    return (r.value as Promise<'ok' | 'timed-out'>).then(this.settled)
  }

  private readonly settled = (v: 'ok' | 'timed-out'): boolean => {
    releaseLoop()
    this.cancel()
    return v !== 'timed-out'
  }
}
