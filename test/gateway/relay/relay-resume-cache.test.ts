// Resume from any gsn at a relay: gsns its cache holds are replayed from it,
// older ones are fetched upstream by a subscription of the client's own until
// the cache takes over, with no gap and no duplicate at the switch. The relay
// runs with a cache of 16 KiB so that it has dropped most of what it relayed.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { publishLines, tail } from './helpers/cli.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'

let root: ServerProcess
let relay: RelayProcess

before(async () => {
  root = await startServerProcess({ durability: 'async' })
  relay = await startRelayProcess({ upstream: [root.wsUrl], extraArgs: ['--cache-bytes', '16384', '--linger', '120s'] })
})

after(async () => {
  await relay?.stop()
  await root?.stop()
})

test('resume at a relay from before its cache: fetched upstream, then the cache, same records as the root', async () => {
  await publishLines(root.wsUrl, 'c.g1,c.g2', 'a', 0, 300)
  // The relay's interest in c.g1 starts at gsn 301: its cache holds nothing older.
  const first = tail(relay.wsUrl, 'c.g1', 301, 100)
  await new Promise((r) => setTimeout(r, 500))
  await publishLines(root.wsUrl, 'c.g1', 'b', 300, 400)
  const live = await first
  assert.deepEqual(live.map((m) => Number(m.gsn)), Array.from({ length: 100 }, (_, i) => 301 + i))
  const direct = await tail(root.wsUrl, 'c.g1', 1, 400)
  const relayed = await tail(relay.wsUrl, 'c.g1', 1, 400)
  assert.equal(direct.length, 400)
  assert.deepEqual(relayed, direct)
  assert.ok((await relayCounter('ordo_relay_upstream_fetches_total')) >= 1, 'gsns 1-300 came from an upstream fetch')
})

async function relayCounter(name: string): Promise<number> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN)
}

test('resume from a gsn the small cache dropped: fetched upstream, no gap or duplicate at the switch', async () => {
  await publishLines(root.wsUrl, 'c.g1', 'c', 400, 2400)
  const used = await relayCounter('ordo_relay_cache_bytes')
  assert.ok(used <= 16384, `cache holds ${used} bytes`)
  assert.ok((await relayCounter('ordo_relay_evicted_frames_total')) > 0, 'the cache dropped frames')
  const fetchesBefore = await relayCounter('ordo_relay_upstream_fetches_total')
  for (const from of [1000, 2300]) {
    const direct = await tail(root.wsUrl, 'c.g1', from, 2401 - from)
    const relayed = await tail(relay.wsUrl, 'c.g1', from, 2401 - from)
    assert.equal(direct.length, 2401 - from)
    assert.deepEqual(relayed, direct, `from ${from}`)
  }
  assert.ok((await relayCounter('ordo_relay_upstream_fetches_total')) >= fetchesBefore + 2, 'both resumes were fetched upstream')
})
