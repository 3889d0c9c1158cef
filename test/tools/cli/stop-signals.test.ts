// onStopSignals (tools/cli/stop-signals.ts) in a real process with real signals: the first SIGINT
// asks for a clean stop, the same signal again within REPEAT_MS is that one delivery (Ctrl-C through
// npm arrives twice), a later one is a second request.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { REPEAT_MS } from '../../../tools/cli/stop-signals.js'

const helper = fileURLToPath(new URL('../../../tools/cli/stop-signals.js', import.meta.url))
const script = `
import { onStopSignals } from ${JSON.stringify(helper)}
onStopSignals((s) => console.log('first ' + s), (s) => console.log('again ' + s))
console.log('ready')
setTimeout(() => {}, 20000)
`

test('a repeat of the first signal within REPEAT_MS is ignored; a later one, or another signal, is a second request', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines: string[] = []
  let wake = (): void => {}
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l)
    wake()
  })
  const until = async (n: number): Promise<void> => {
    const end = Date.now() + 10_000
    while (lines.length < n && Date.now() < end) await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)))
  }
  try {
    await until(1)
    assert.deepEqual(lines, ['ready'])
    child.kill('SIGINT')
    child.kill('SIGINT') // the same Ctrl-C, forwarded
    await until(2)
    await new Promise((r) => setTimeout(r, REPEAT_MS + 200))
    assert.deepEqual(lines, ['ready', 'first SIGINT'])
    child.kill('SIGINT') // a second Ctrl-C
    await until(3)
    child.kill('SIGTERM')
    await until(4)
    assert.deepEqual(lines, ['ready', 'first SIGINT', 'again SIGINT', 'again SIGTERM'])
  } finally {
    child.kill('SIGKILL')
  }
})
