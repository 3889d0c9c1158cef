// Writes the codec's format fixtures: test/fixtures/codec/v1/*.bin (one frame each,
// every body type, Builder-made and FrameWriter-made Publish/Deliver) and
// test/fixtures/codec/v1/expected.json (decoded contents). Run after a deliberate,
// versioned format change only:
//   npx tsc -p . && node dist/tools/make-codec-fixtures.js
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeFrame, verifyFrame, Verdict } from '../codec/index.js'
import { encodeFixture, FIXTURE_VERSION, FIXTURES, frameToJson } from '../test/codec/helpers/codec-fixture-set.js'

const dir = fileURLToPath(new URL(`../../test/fixtures/codec/v${FIXTURE_VERSION}/`, import.meta.url))
mkdirSync(dir, { recursive: true })
const verdict = new Verdict()
const expected: unknown[] = []
for (const def of FIXTURES) {
  const bytes = encodeFixture(def)
  if (verifyFrame(bytes, 0, bytes.length, undefined, verdict) !== 0) throw new Error(`fixture does not verify: file=${def.file}, ${verdict.toString()}`)
  const decoded = frameToJson(decodeFrame(bytes))
  if (JSON.stringify(decoded) !== JSON.stringify(frameToJson(def.frame))) throw new Error(`fixture decodes differently: file=${def.file}`)
  writeFileSync(dir + def.file, bytes)
  expected.push({ file: def.file, maker: def.maker, length: bytes.length, frame: decoded })
  console.log(`wrote ${def.file} (${bytes.length} bytes, ${def.maker})`)
}
writeFileSync(dir + 'expected.json', JSON.stringify({ version: FIXTURE_VERSION, fixtures: expected }, null, 2) + '\n')
console.log(`wrote expected.json to ${dir}`)
