// Deliver frames carry only the groups the subscriber's token may subscribe to
// (G7): a message published to `public` and `secret.payroll` reaches a
// subscriber of `public` with `public` and its gseq alone, live and when read
// back from the journal (catch-up). A token that may see both gets both, even
// on the same Subscribe. Gsns, publisher, pseq and payload are untouched.
// Real server process, real tokens.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { encodePublish, type WireMessage } from '../../codec/index.js'
import { mintToken } from '../../gateway/auth/token.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'deliver-visibility-secret'
let server: ServerProcess
const clients: RawClient[] = []

before(async () => {
  server = await startServerProcess({ secret: SECRET })
})
after(async () => {
  for (const c of clients) c.terminate()
  await server.stop()
})

async function hello(claims: { sub: string; publish?: string[]; subscribe?: string[] }) {
  const r = await RawClient.hello(server.wsUrl, mintToken(SECRET, claims))
  clients.push(r.client)
  return r
}

async function collect(c: RawClient, n: number): Promise<WireMessage[]> {
  const out: WireMessage[] = []
  while (out.length < n) out.push(...(await c.next('Deliver', () => true, 10_000)).messages)
  return out
}

test('live and catch-up deliveries show only the groups the token may see', async () => {
  const admin = await hello({ sub: 'admin', publish: ['>'], subscribe: ['>'] })
  admin.client.sendFrame({ type: 'ResolveGroups', names: ['public', 'secret.payroll', 'other'], create: true })
  const [pub, payroll, other] = (await admin.client.next('Groups')).ids as [number, number, number]

  const narrow = await hello({ sub: 'reader', subscribe: ['public', 'other'] })
  const wide = await hello({ sub: 'auditor', subscribe: ['public', 'secret.>', 'other'] })
  for (const c of [narrow.client, wide.client]) {
    c.sendFrame({ type: 'Subscribe', id: 1, groups: [pub], fromGsn: 0n, tentative: false })
    await c.next('Subscribed')
  }
  const sent = [
    [payroll, pub],
    [pub],
    [pub, other, payroll],
    [other, pub],
  ]
  admin.client.send(encodePublish(sent.map((groups, i) => ({ publisher: admin.publisher, pseq: BigInt(i + 1), groups, payload: new TextEncoder().encode(`m${i}`) }))))
  const ack = await admin.client.next('PublishAck')
  assert.equal(ack.gsns.length, 4)

  const live = await collect(narrow.client, 4)
  const liveWide = await collect(wide.client, 4)
  // A subscriber arriving later reads the same messages back from the journal.
  const late = await hello({ sub: 'reader', subscribe: ['public', 'other'] })
  late.client.sendFrame({ type: 'Subscribe', id: 2, groups: [pub], fromGsn: 1n, tentative: false })
  const caughtUp = await collect(late.client, 4)

  for (const [name, got] of [['live', live], ['catch-up', caughtUp]] as const) {
    assert.deepEqual(got.map((m) => m.gsn), ack.gsns, name)
    assert.deepEqual(got.map((m) => new TextDecoder().decode(m.payload)), ['m0', 'm1', 'm2', 'm3'], name)
    assert.deepEqual(got.map((m) => m.groups), [[pub], [pub], [pub, other], [other, pub]], `${name}: groups`)
    assert.deepEqual(got.map((m) => m.gseqs.length), [1, 1, 2, 2], name)
    assert.deepEqual(got.map((m) => m.gseqs[m.groups.indexOf(pub)]), [1n, 2n, 3n, 4n], `${name}: gseqs of public`)
    assert.deepEqual(got.map((m) => m.pseq), [1n, 2n, 3n, 4n])
    for (const m of got) assert.ok(!m.groups.includes(payroll), `${name}: payroll shown at gsn ${m.gsn}`)
  }
  // The auditor may see payroll: same Subscribe, every group.
  assert.deepEqual(liveWide.map((m) => m.groups), sent)
  assert.deepEqual(liveWide.map((m) => m.gseqs[m.groups.indexOf(payroll)] ?? null), [1n, null, 2n, null])
})
