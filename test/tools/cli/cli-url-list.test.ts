// `ordo publish` / `ordo tail` with `--url a,b`: the URLs are tried in turn, so a
// node that is down is passed over; when none answers the error names them all;
// a list without a WebSocket URL is a usage error.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ordo } from '../../gateway/helpers/cli.js'
import { startServerProcess, type ServerProcess } from '../../gateway/helpers/server-process.js'

/** Nothing listens on port 1 (privileged, never bound by tests): connecting there fails at once. */
const DOWN = 'ws://127.0.0.1:1/'
let server: ServerProcess

before(async () => {
  server = await startServerProcess()
})

after(async () => {
  await server?.stop()
})

test('a node that is down is passed over: publish and tail go to the next URL of the list', async () => {
  const list = `${DOWN},${server.wsUrl}`
  const pub = await ordo(['publish', 'listed', 'one', '--url', list])
  assert.equal(pub.code, 0, pub.stderr)
  assert.match(pub.stdout, /^gsn=\d+$/m)
  const lines = await ordo(['publish', 'listed', '--url', list], { input: 'two\nthree\n' })
  assert.equal(lines.code, 0, lines.stderr)
  assert.match(lines.stdout, /published 2 messages/)
  const tail = await ordo(['tail', 'listed', '--from-beginning', '--count', '3', '--url', list])
  assert.equal(tail.code, 0, tail.stderr)
  assert.deepEqual(
    tail.stdout.trim().split('\n').map((l) => l.replace(/^gsn=\d+ groups=listed:\d+ /, '')),
    ['one', 'two', 'three'],
  )
})

test('no URL of the list answers: the error names every URL', async () => {
  const r = await ordo(['publish', 'listed', 'x', '--url', `${DOWN},ws://127.0.0.1:2/`])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1\/, ws:\/\/127\.0\.0\.1:2\//)
})

test('a list without a WebSocket URL is a usage error that says what is expected', async () => {
  const empty = await ordo(['publish', 'listed', 'x', '--url', ' , '])
  assert.equal(empty.code, 2, empty.stderr)
  assert.match(empty.stderr, /no URL in --url/)
  const bad = await ordo(['tail', 'listed', '--url', `${server.wsUrl},ftp://x/`])
  assert.equal(bad.code, 2, bad.stderr)
  assert.match(bad.stderr, /not a WebSocket URL in --url: "ftp:\/\/x\/"/)
})
