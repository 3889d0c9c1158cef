// One publisher process that goes through the client library (`ordo/client`), as a user's would: the rows
// `ordo client publish()` and `ordo client publishBatch` of the comparison, the client-library latency run, and
// bench/client-publish-throughput.ts. Connects, resolves its groups, prints {"ready"}; on "go" it publishes, then
// prints {"result"} and waits for stdin to close.
//
//   publish   `messages` calls of client.publish(), at most `window` unresolved (kept by a counter, no array)
//   send      `messages` calls of client.send() (no promise per message), at most `window` unacknowledged
//             (client.acked watermark), then client.flush()
//   batch     client.publishBatch() of `batch` messages per call, at most `window` messages unresolved
//   latency   `rate` msg/s for `seconds`, open loop: client.publish() at each message's intended send time
//             (messages that fell due together are published in the same turn and share a frame)
//
// Every payload carries the publisher's own seq (1, 2, 3... = its pseq), its index and its due time
// (ordo-payload.ts), written into one reused buffer before each call: the client copies the payload when
// called, so the load generator allocates nothing per message.
//
//   node ordo-client-pub.js '{"url":..,"index":0,"groups":["g0"],"payloadBytes":100,"mode":"publish",...}'

import { connect, type PublishItem } from '../../../gateway/client/index.js'
import { emit, onCommand } from './child.js'
import { DUE_POS, PUB_POS, SEQ_POS, payloadTemplate, sharedClockMs } from './ordo-payload.js'

export interface OrdoClientPubArgs {
  url: string
  index: number
  groups: string[]
  payloadBytes: number
  mode: 'publish' | 'send' | 'batch' | 'latency'
  messages: number
  /** Most messages published and not yet acknowledged. */
  window: number
  /** batch mode: messages per publishBatch call. */
  batch: number
  /** latency: msg/s of this publisher and run length (warm-up included). */
  rate: number
  seconds: number
  /** ConnectOptions.maskFrames (omitted: the client's default, random keys). */
  maskFrames?: boolean
}

export interface OrdoClientPubResult {
  sent: number
  acked: number
  /** Shared-clock ms: "go" received, last call made, last acknowledgement seen. */
  t_start: number
  t_sent: number
  t_acked: number
  errors: string[]
}

const a = JSON.parse(process.argv[2]!) as OrdoClientPubArgs
const nowMs = sharedClockMs
const errors: string[] = []
const client = await connect(a.url, { ...(a.maskFrames === undefined ? {} : { maskFrames: a.maskFrames }), onError: (e) => errors.length < 10 && errors.push(`${e.codeName}: ${e.message}`) })
await client.resolveGroups(a.groups)

const payload = payloadTemplate(a.payloadBytes)
const view = new DataView(payload.buffer)
view.setUint32(PUB_POS, a.index, true)
const G = a.groups.length
const groupSets = a.groups.map((g) => [g])
let seq = 0

/** The next message's payload (seq stamped) and groups: message seq goes to group (seq - 1) % G. */
function next(due: number): readonly string[] {
  seq++
  view.setUint32(SEQ_POS, seq >>> 0, true)
  view.setUint32(SEQ_POS + 4, Math.floor(seq / 4294967296), true)
  if (due !== 0) view.setFloat64(DUE_POS, due, true)
  return groupSets[(seq - 1) % G]!
}

function fail(e: unknown): void {
  if (errors.length < 10) errors.push(e instanceof Error ? e.message : String(e))
}

async function perCall(): Promise<OrdoClientPubResult> {
  const t_start = nowMs()
  let t_sent = 0
  let acked = 0
  let inFlight = 0
  let wake: (() => void) | null = null
  const onAck = (): void => {
    acked++
    if (--inFlight <= a.window / 2 && wake !== null) {
      const w = wake
      wake = null
      w()
    }
  }
  const onFail = (e: unknown): void => {
    fail(e)
    onAck()
  }
  while (seq < a.messages) {
    while (seq < a.messages && inFlight < a.window) {
      inFlight++
      client.publish(next(0), payload).then(onAck, onFail)
    }
    if (seq === a.messages) t_sent = nowMs()
    else await new Promise<void>((r) => (wake = r))
  }
  await client.flush()
  return { sent: seq, acked, t_start, t_sent, t_acked: nowMs(), errors }
}

async function sends(): Promise<OrdoClientPubResult> {
  const t_start = nowMs()
  let t_sent = 0
  const first = client.acked
  // The acknowledged watermark drives sending: at most `window` messages beyond it.
  while (seq < a.messages) {
    while (seq < a.messages && seq - (client.acked - first) < a.window) client.send(next(0), payload)
    if (seq === a.messages) t_sent = nowMs()
    else await new Promise<void>((r) => setImmediate(r))
  }
  await client.flush()
  return { sent: seq, acked: client.acked - first, t_start, t_sent, t_acked: nowMs(), errors }
}

async function batches(): Promise<OrdoClientPubResult> {
  const t_start = nowMs()
  let t_sent = 0
  let acked = 0
  let inFlight = 0
  let wake: (() => void) | null = null
  // publishBatch copies every payload and reads every item before it returns, so one set of
  // items and payload buffers serves every call (as a producer reusing its buffers would).
  const slots: PublishItem[] = Array.from({ length: a.batch }, () => ({ groups: groupSets[0]!, payload: new Uint8Array(a.payloadBytes) }))
  const items: PublishItem[] = []
  while (seq < a.messages) {
    while (seq < a.messages && inFlight + a.batch <= a.window) {
      const n = Math.min(a.batch, a.messages - seq)
      items.length = 0
      for (let i = 0; i < n; i++) {
        const item = slots[i]!
        item.groups = next(0)
        ;(item.payload as Uint8Array).set(payload)
        items.push(item)
      }
      inFlight += n
      client.publishBatch(items).then(
        () => {
          acked += n
          inFlight -= n
          if (wake !== null) wake()
        },
        (e: unknown) => {
          fail(e)
          inFlight -= n
          if (wake !== null) wake()
        },
      )
    }
    if (seq === a.messages) t_sent = nowMs()
    else await new Promise<void>((r) => (wake = r))
    wake = null
  }
  while (inFlight > 0) await new Promise<void>((r) => (wake = r))
  return { sent: seq, acked, t_start, t_sent, t_acked: nowMs(), errors }
}

async function latency(): Promise<OrdoClientPubResult> {
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  const interval = 1000 / a.rate
  const t_start = nowMs()
  const end = t_start + 20 + a.seconds * 1000
  let due = t_start + 20
  let acked = 0
  const onAck = (): void => {
    acked++
  }
  while (due < end) {
    const now = nowMs()
    // A timed sleep to the next due time (this process has nothing else to do); what fell due meanwhile is
    // published in this turn, each message stamped with its own due time.
    if (due > now) Atomics.wait(sleeper, 0, 0, due - now)
    const t = nowMs()
    while (due <= t && due < end) {
      client.publish(next(due), payload).then(onAck, fail)
      due += interval
    }
    // End the turn: the client sends what was published in it, and the event loop reads acks.
    await new Promise((r) => setImmediate(r))
  }
  const t_sent = nowMs()
  await client.flush()
  return { sent: seq, acked, t_start, t_sent, t_acked: nowMs(), errors }
}

emit({ ready: true })
onCommand((line) => {
  if (line !== 'go') return
  const run = a.mode === 'latency' ? latency() : a.mode === 'batch' ? batches() : a.mode === 'send' ? sends() : perCall()
  run.then(
    async (r) => {
      await client.close()
      emit({ result: r })
    },
    (e: unknown) => emit({ error: e instanceof Error ? e.message : String(e) }),
  )
})
