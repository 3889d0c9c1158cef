// Acknowledgements aggregated up a relay tree: durable subscribers at two levels
// acknowledge up to different gsns; the root's stable_gsn is the minimum over
// all of them, and the root holds one durable subscription for the whole tree
// (the first relay's), never one per leaf. A leaf killed and restarted resumes
// after its acknowledged gsn at its relay, and when it acknowledges more the
// root's watermark moves to the next minimum. Leaves run in their own processes.
//
//   root ◀── A (la1 ≤ 300, la2 ≤ 500) ◀── B (lb1 ≤ 200, lb2 ≤ 400)
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { Proc } from '../helpers/proc.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { publishLines } from './helpers/cli.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'

let root: ServerProcess
let a: RelayProcess
let b: RelayProcess
const dirs: string[] = []
const leaves: Proc[] = []

before(async () => {
  root = await startServerProcess({ durability: 'async' })
  const dirA = mkdtempSync(join(tmpdir(), 'ordo-relay-a-'))
  const dirB = mkdtempSync(join(tmpdir(), 'ordo-relay-b-'))
  dirs.push(dirA, dirB)
  a = await startRelayProcess({ upstream: [root.wsUrl], extraArgs: ['--data', dirA, '--name', 'a'] })
  b = await startRelayProcess({ upstream: [a.wsUrl], extraArgs: ['--data', dirB, '--name', 'b'] })
})

after(async () => {
  for (const l of leaves) l.kill()
  await b?.stop()
  await a?.stop()
  await root?.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function leaf(url: string, name: string, limit: number): Proc {
  const p = new Proc('../relay/procs/durable-leaf', [url, 'st.g', name, String(limit)])
  leaves.push(p)
  return p
}

async function health(url: string): Promise<{ stableGsn?: number; durableGsn: number }> {
  return (await (await fetch(`${url}/health`)).json()) as { stableGsn?: number; durableGsn: number }
}

async function waitStable(want: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last = -1
  while (Date.now() < deadline) {
    last = (await health(root.httpUrl)).stableGsn ?? -1
    if (last === want) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  return last
}

test("the root's stable_gsn is the minimum over every leaf's acknowledgement, with state per relay only", async () => {
  const limits: [RelayProcess, string, number][] = [[a, 'la1', 300], [a, 'la2', 500], [b, 'lb1', 200], [b, 'lb2', 400]]
  const procs = limits.map(([r, name, limit]) => leaf(r.wsUrl, name, limit))
  for (const p of procs) await p.waitLine((l) => l.startsWith('subscribed '), 30_000, 'subscribed')
  await publishLines(root.wsUrl, 'st.g', 'm', 0, 600)
  for (let i = 0; i < procs.length; i++) await procs[i]!.waitLine((l) => l === `acked ${limits[i]![2]}`, 30_000, `acked ${limits[i]![2]}`)
  assert.equal(await waitStable(200, 15_000), 200)
  // Not above the slowest leaf, ever: wait a little and look again.
  await new Promise((r) => setTimeout(r, 1500))
  assert.equal((await health(root.httpUrl)).stableGsn, 200)

  // The root holds A's durable subscription only; B's lives at A, the leaves at their relays.
  const atRoot = (await (await fetch(`${root.httpUrl}/api/durables`)).json()) as unknown
  const rootNames = JSON.stringify(atRoot)
  assert.match(rootNames, /relay\.a\./)
  assert.doesNotMatch(rootNames, /relay\.b\.|"la1"|"lb1"/)
  const atA = JSON.stringify(await (await fetch(`${a.httpUrl}/api/durables`)).json())
  assert.match(atA, /relay\.b\./)
  assert.match(atA, /"la1"/)

  // lb1 killed -9 and started again with a higher limit: it resumes after 200 at B and acks to 600.
  procs[2]!.kill()
  while (procs[2]!.exitCode === null) await new Promise((r) => setTimeout(r, 20))
  // The relay notices the closed socket and detaches the consumer (one consumer per name).
  await new Promise((r) => setTimeout(r, 300))
  const again = leaf(b.wsUrl, 'lb1', 600)
  const sub = await again.waitLine((l) => l.startsWith('subscribed '), 30_000, 'subscribed')
  assert.equal(sub, 'subscribed 201 200')
  await again.waitLine((l) => l === 'acked 600', 30_000, 'acked 600')
  assert.equal(await waitStable(300, 15_000), 300)
})
