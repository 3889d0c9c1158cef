// `ordo --help` lists every command; each command answers --help with exit 0;
// unknown commands and options fail with exit code 2 and a clear message.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../../../tools/cli.js', import.meta.url))
const COMMANDS = ['start', 'publish', 'tail', 'inspect', 'durable', 'token', 'bench']

function ordo(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 })
}

test('ordo --help lists every command', () => {
  const r = ordo('--help')
  assert.equal(r.status, 0, r.stderr)
  for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), c)
})

test('every command has --help', () => {
  for (const c of COMMANDS) {
    const r = ordo(c, '--help')
    assert.equal(r.status, 0, `${c}: ${r.stderr}`)
    assert.match(r.stdout, new RegExp(`Usage: ordo ${c}`), c)
  }
})

test('unknown commands and options exit 2 with a message naming them', () => {
  const a = ordo('frobnicate')
  assert.equal(a.status, 2)
  assert.match(a.stderr, /unknown command 'frobnicate'/)
  const b = ordo('token', '--secret', 's', '--nonsense')
  assert.equal(b.status, 2)
  assert.match(b.stderr, /--nonsense/)
})
