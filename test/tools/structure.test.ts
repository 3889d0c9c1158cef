// The layering the structure drawing (docs/structure.md) shows holds in the source:
// engine/ and codec/ never import gateway/, codec/ never imports engine/, worker-side
// code never imports the main-thread engine, and no files import each other in a cycle
// of value imports (type-only back-pointers are allowed: the compiler erases them).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

interface Edge { from: string; to: string; kind: 'value' | 'type' | 'worker' }
interface Structure { files: string[]; edges: Edge[]; valueCycles: string[][]; typeCycles: string[][] }
interface StructureModule { computeStructure(): Structure; ruleViolations(s: Structure): string[] }

const root = new URL('../../../', import.meta.url)
const tool = new URL('tools/structure.mjs', root)

async function load(): Promise<StructureModule> {
  return (await import(tool.href)) as StructureModule
}

test('the source keeps its layering and has no value-import cycle', async () => {
  const { computeStructure, ruleViolations } = await load()
  const s = computeStructure()
  assert.ok(s.files.includes('engine/engine.ts') && s.files.includes('codec/index.ts'), 'the tool found the sources')
  assert.ok(s.edges.some((e) => e.from === 'gateway/server.ts'), 'the tool found imports')
  const gatewayFromBelow = s.edges.filter((e) => /^(engine|codec)\//.test(e.from) && e.to.startsWith('gateway/'))
  assert.deepEqual(gatewayFromBelow, [], 'engine/ and codec/ must not import gateway/')
  const engineFromCodec = s.edges.filter((e) => e.from.startsWith('codec/') && e.to.startsWith('engine/'))
  assert.deepEqual(engineFromCodec, [], 'codec/ must not import engine/')
  assert.deepEqual(s.valueCycles, [], 'no cycle of value imports')
  assert.deepEqual(ruleViolations(s), [])
})

test('the rules catch each kind of violation', async () => {
  const { ruleViolations } = await load()
  const s: Structure = {
    files: ['engine/a.ts', 'codec/b.ts', 'gateway/c.ts', 'engine/engine.ts', 'engine/x.worker.ts'],
    edges: [
      { from: 'engine/a.ts', to: 'gateway/c.ts', kind: 'type' },
      { from: 'codec/b.ts', to: 'engine/a.ts', kind: 'value' },
      { from: 'engine/x.worker.ts', to: 'engine/engine.ts', kind: 'type' },
    ],
    valueCycles: [['engine/a.ts', 'engine/engine.ts']],
    typeCycles: [],
  }
  const v = ruleViolations(s)
  assert.equal(v.length, 4, v.join('\n'))
  assert.match(v[0]!, /engine\/a\.ts imports gateway\/c\.ts/)
  assert.match(v[1]!, /codec\/ must not depend on engine\//)
  assert.match(v[2]!, /worker-side code must not import/)
  assert.match(v[3]!, /value-import cycle/)
})

test('the command line prints the drawing and passes --check', () => {
  const r = spawnSync(process.execPath, [tool.pathname, '--check'], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /## Top-level folders/)
  assert.match(r.stdout, /gateway +(──▶|··▶) engine/)
  assert.doesNotMatch(r.stdout, /engine +\S+ gateway/)
})
