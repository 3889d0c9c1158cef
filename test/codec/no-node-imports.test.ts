// codec/ must run in browsers (the client library uses it): no node: imports
// and no Node globals like Buffer or process in its sources.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'

const codecDir = new URL('../../../codec/', import.meta.url)

test('codec sources import nothing from node: and use no Node globals', () => {
  const files = readdirSync(codecDir).filter((f) => f.endsWith('.ts'))
  assert.ok(files.length > 10, `found ${files.length} files`)
  for (const file of files) {
    const src = readFileSync(new URL(file, codecDir), 'utf8')
    assert.doesNotMatch(src, /from\s+['"]node:/, file)
    assert.doesNotMatch(src, /\brequire\(/, file)
    assert.doesNotMatch(src, /\bBuffer\.|\bprocess\./, file)
  }
})
