// `ordo tail --durable NAME`: the server remembers what was printed; the next tail with the
// name prints only what came after it, however many times it is started.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ordo } from '../../gateway/helpers/cli.js'
import { startServerProcess, type ServerProcess } from '../../gateway/helpers/server-process.js'
import { publishN } from '../../gateway/durable/helpers.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
})

const gsnsOf = (out: string): number[] => out.split('\n').filter((l) => l.startsWith('gsn=')).map((l) => Number(/^gsn=(\d+)/.exec(l)![1]))

test('ordo tail --durable resumes after what the previous run printed', { timeout: 60_000 }, async () => {
  const env = { ...process.env, ORDO_URL: server.wsUrl }
  const gsns = (await publishN(server.wsUrl, 'tail.d', 10)).map(Number)
  const first = await ordo(['tail', 'tail.d', '--durable', 'reader', '--from', '1', '--count', '4'], { env })
  assert.equal(first.code, 0, first.stderr)
  assert.deepEqual(gsnsOf(first.stdout), gsns.slice(0, 4))
  const second = await ordo(['tail', 'tail.d', '--durable', 'reader', '--count', '6'], { env })
  assert.equal(second.code, 0, second.stderr)
  assert.deepEqual(gsnsOf(second.stdout), gsns.slice(4), 'continues right after the printed ones')
  const list = await ordo(['durable', 'list'], { env })
  assert.match(list.stdout, new RegExp(`^reader\\tgroups=tail\\.d\\tacked=${gsns[9]}\\t`, 'm'))
})
