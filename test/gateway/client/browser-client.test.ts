// The client library in a real browser: headless Chromium loads a page that
// imports the compiled client (ES modules, no bundler), publishes 100 messages
// and subscribes to them through the gateway (handler and async iterator); the
// page writes the outcome into its DOM and the test reads it back over the
// DevTools protocol.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Chromium } from '../helpers/chromium.js'
import { startStaticServer } from '../helpers/static-server.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'

let gateway: ServerProcess
let browser: Chromium | null = null
let stopStatic: (() => void) | null = null

before(async () => {
  gateway = await startServerProcess()
})

after(async () => {
  browser?.close()
  stopStatic?.()
  await gateway.stop()
})

test('a page publishes and subscribes through the gateway with the client library', async () => {
  const { server, port } = await startStaticServer()
  stopStatic = () => server.close()
  browser = await Chromium.launch()
  const page = `http://127.0.0.1:${port}/?ws=${encodeURIComponent(gateway.wsUrl)}&group=browser.${Date.now()}`
  const text = await browser.evaluateWhenReady(page, "document.getElementById('result').textContent", 60_000)
  const result = JSON.parse(text) as { ok: boolean; error?: string; platformWebSocket: boolean; gsns: string[]; got: { gsn: string; text: string; gseq: string }[]; json: unknown[]; closed: boolean }
  assert.equal(result.ok, true, result.error)
  assert.equal(result.platformWebSocket, true)
  assert.equal(result.gsns.length, 100)
  assert.equal(result.got.length, 100)
  assert.deepEqual(result.got.map((g) => g.text), Array.from({ length: 100 }, (_, i) => `hello ${i}`))
  assert.deepEqual(result.got.map((g) => String(g.gsn)), result.gsns)
  assert.deepEqual(result.got.map((g) => g.gseq), Array.from({ length: 100 }, (_, i) => String(i + 1)))
  assert.deepEqual(result.json, [{ n: 1 }], 'for await over client.subscribe() with json()')
  assert.equal(result.closed, true, 'closed() resolved with undefined after close()')
})
