// `ordo inspect` on a journal written with the journal library: reports the
// segments, gsn range and groups with message counts, exit 0; after a byte is
// flipped inside a record it reports the CRC failure and exits 1.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { blobLength, stampBlob, stampBlobGseq, writeMessage } from '../../../codec/index.js'
import { Journal } from '../../../engine/journal/index.js'
import { GroupRegistry } from '../../../engine/groups/index.js'

const cli = fileURLToPath(new URL('../../../tools/cli.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'ordo-inspect-test-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function buildJournal(): void {
  const reg = GroupRegistry.open({ dir })
  const [orders, audit] = reg.resolve(['orders', 'audit'], true) as [number, number]
  reg.close()
  const journal = Journal.open({ dir: join(dir, 'journal'), segmentBytes: 64 * 1024 })
  const payload = new Uint8Array(100).fill(7)
  let gsn = 1
  const gseq = new Map<number, number>()
  for (let b = 0; b < 40; b++) {
    const batch = new Uint8Array(50 * blobLength(2, 100))
    let pos = 0
    for (let i = 0; i < 50; i++) {
      const groups = gsn % 5 === 0 ? [orders, audit] : [orders]
      const len = writeMessage(batch, pos, 9, gsn, groups, groups.length, payload, 0, payload.length)
      stampBlob(batch, pos, gsn, 0)
      groups.forEach((g, k) => {
        const s = (gseq.get(g) ?? 0) + 1
        gseq.set(g, s)
        stampBlobGseq(batch, pos, k, s)
      })
      pos += len
      gsn++
    }
    journal.append(batch, 0, pos, gsn - 50, 50)
    journal.sync()
  }
  journal.close()
}

function inspect(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'inspect', dir, ...args], { encoding: 'utf8', timeout: 60_000 })
}

test('a sound journal: segments, gsn range 1..2000, groups with message counts, exit 0', () => {
  buildJournal()
  const r = inspect()
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /status: OK/)
  assert.match(r.stdout, /gsn range: 1\.\.2000/)
  assert.match(r.stdout, /CRC failures: 0/)
  assert.match(r.stdout, /\torders\t2000 messages/)
  assert.match(r.stdout, /\taudit\t400 messages/)
  const json = JSON.parse(inspect('--json').stdout) as { ok: boolean; segments: unknown[]; groups: { name: string; messages: number }[] }
  assert.equal(json.ok, true)
  assert.ok(json.segments.length > 1, 'the small segment size made several segments')
  assert.deepEqual(json.groups.map((g) => [g.name, g.messages]), [['orders', 2000], ['audit', 400]])
})

test('a flipped byte inside a record: CRC failure reported with its offset, exit 1', () => {
  const jdir = join(dir, 'journal')
  const seg = readdirSync(jdir).filter((n) => n.endsWith('.seg')).sort()[0]!
  const bytes = readFileSync(join(jdir, seg))
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff
  writeFileSync(join(jdir, seg), bytes)
  const r = inspect('--no-groups')
  assert.equal(r.status, 1, r.stdout + r.stderr)
  assert.match(r.stdout, /status: DAMAGED/)
  assert.match(r.stdout, /problem at offset \d+ \(gsn \d+\): /)
  assert.doesNotMatch(r.stdout, /CRC failures: 0/)
})
