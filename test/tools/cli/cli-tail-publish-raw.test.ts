// `ordo tail` as people use it: every group of a message named (the ones the
// token may see; the server leaves the others out), groups never created by reading, --from-beginning, --json
// lines; `ordo publish --raw` sends binary stdin unchanged; an interrupted
// `ordo publish` says what was acknowledged.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../../gateway/auth/token.js'
import type { PageDoc, GroupDoc, StatsDoc } from '../../../gateway/admin/admin-types.js'
import { ordo, ordoLive, waitFor } from '../../gateway/helpers/cli.js'
import { startServerProcess, type ServerProcess } from '../../gateway/helpers/server-process.js'

const SECRET = 'tail-test-secret'
const writer = mintToken(SECRET, { sub: 'writer', publish: ['>'] })
const everything = mintToken(SECRET, { sub: 'reader', subscribe: ['>'] })
const ordersOnly = mintToken(SECRET, { sub: 'orders-reader', subscribe: ['orders'] })
const monitor = mintToken(SECRET, { sub: 'ops', monitor: true })
let server: ServerProcess

before(async () => {
  server = await startServerProcess({ secret: SECRET })
})
after(async () => {
  await server?.stop()
})

const cli = (args: string[], token: string, input?: string | Uint8Array) => ordo([...args, '--url', server.wsUrl, '--token', token], { input })

async function groupNames(): Promise<string[]> {
  const r = await fetch(`${server.httpUrl}/api/groups`, { headers: { authorization: `Bearer ${monitor}` } })
  return ((await r.json()) as PageDoc<GroupDoc>).items.map((g) => g.name)
}

test('tail names every group the token may see, also those it did not subscribe to; the others are left out, id and name', async () => {
  assert.equal((await cli(['publish', 'orders,payroll', 'salary run'], writer)).code, 0)
  assert.equal((await cli(['publish', 'orders', 'plain'], writer)).code, 0)
  const all = await cli(['tail', 'orders', '--from-beginning', '--count', '2'], everything)
  assert.equal(all.code, 0, all.stderr)
  assert.deepEqual(all.stdout.trim().split('\n'), ['gsn=1 groups=orders:1,payroll:1 salary run', 'gsn=2 groups=orders:2 plain'])
  const limited = await cli(['tail', 'orders', '--from', '1', '--count', '1'], ordersOnly)
  assert.equal(limited.code, 0, limited.stderr)
  // The server leaves groups the token may not see out of the Deliver: neither name nor id reaches tail.
  assert.equal(limited.stdout.trim(), 'gsn=1 groups=orders:1 salary run', 'a group the token may not see is not shown')
  const limitedJson = await cli(['tail', 'orders', '--from', '1', '--count', '1', '--json'], ordersOnly)
  assert.equal(limitedJson.code, 0, limitedJson.stderr)
  const rec = JSON.parse(limitedJson.stdout.trim()) as { groups: string[]; gseqs: number[] }
  assert.deepEqual([rec.groups, rec.gseqs], [['orders'], [1]])
})

test('tail never creates groups: an unknown name is a clear error and stays unknown', async () => {
  const r = await cli(['tail', 'no.such.group', '--count', '1'], everything)
  assert.equal(r.code, 1)
  assert.match(r.stderr, /unknown group: names=no\.such\.group/)
  assert.ok(!(await groupNames()).includes('no.such.group'), 'not created by the attempt')
})

test('tail --json prints one JSON object per line with names and gseqs', async () => {
  const r = await cli(['tail', 'payroll,orders', '--from-beginning', '--count', '2', '--json'], everything)
  assert.equal(r.code, 0, r.stderr)
  const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { gsn: number; groups: string[]; gseqs: number[]; payload: string; publisher: number; pseq: number })
  assert.deepEqual(recs.map((x) => [x.gsn, x.groups, x.gseqs, x.payload]), [
    [1, ['orders', 'payroll'], [1, 1], 'salary run'],
    [2, ['orders'], [2], 'plain'],
  ])
  assert.ok(recs.every((x) => x.publisher > 0 && x.pseq >= 1))
})

test('publish --raw sends binary stdin unchanged as one message', async () => {
  const bytes = new Uint8Array(70_000)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff
  const r = await cli(['publish', 'blobs', '--raw'], writer, bytes)
  assert.equal(r.code, 0, r.stderr)
  const gsn = Number(/^gsn=(\d+) bytes=70000$/m.exec(r.stdout)?.[1])
  assert.ok(gsn > 0, r.stdout)
  const t = await cli(['tail', 'blobs', '--from', String(gsn), '--count', '1', '--json'], everything)
  const rec = JSON.parse(t.stdout.trim()) as { payloadBase64: string }
  assert.deepEqual(new Uint8Array(Buffer.from(rec.payloadBase64, 'base64')), bytes)
  const refused = await cli(['publish', 'blobs', 'words', '--raw'], writer)
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /--raw sends standard input/)
})

test('SIGINT while publishing stdin lines: stops and prints the acknowledged count and last gsn', async () => {
  const live = ordoLive(['publish', 'stream', '--url', server.wsUrl, '--token', writer])
  const lines = Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n') + '\n'
  live.proc.stdin!.write(lines) // stdin stays open: the stream is "mid-way"
  await waitFor(() => /300\/300 acknowledged/.test(live.out.stderr), 20_000, 'the progress line showing all 300 acknowledged')
  live.proc.kill('SIGINT')
  const r = await live.closed
  assert.equal(r.code, 130)
  const m = /^interrupted \(SIGINT\): 300 of 300 messages acknowledged \(gsn (\d+)\.\.(\d+)\); last acknowledged gsn=(\d+)$/m.exec(r.stdout)
  assert.ok(m !== null, r.stdout)
  assert.equal(Number(m[2]) - Number(m[1]), 299)
  assert.equal(m[2], m[3])
  const stats = (await (await fetch(`${server.httpUrl}/api/stats`, { headers: { authorization: `Bearer ${monitor}` } })).json()) as StatsDoc
  assert.equal(stats.watermarks.durableGsn, Number(m[3]), 'the last acknowledged gsn is the last one stored')
})
