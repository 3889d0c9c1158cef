// The uWS behaviour the gateway relies on, checked against every transport
// that runs here (the ws fallback, and uWebSockets.js where a build loads), so
// the fallback is held to what uWS really does and not to what we think it does.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, test } from 'node:test'
import WebSocket from 'ws'
import type { WebSocket as UwsSocket } from '../../../gateway/transport/uws-api.js'
import { startApp, transportsHere, uwsExpectedHere, loadableUws } from './helpers/transports.js'

function http(port: number, method: string, path: string, body?: Uint8Array): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: res.headers }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

function openClient(port: number, path = '/ws'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const c = new WebSocket(`ws://127.0.0.1:${port}${path}`)
    c.once('open', () => resolve(c))
    c.once('error', reject)
  })
}

function closedWith(c: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => c.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })))
}

test('a uWS build loads exactly where its binaries fit this Node and glibc', () => {
  assert.equal(loadableUws() !== null, uwsExpectedHere(), `Node ${process.versions.node} ABI ${process.versions.modules}`)
})

/** A transport that misbehaves must fail the test, not hang it. */
const LIMIT = { timeout: 20_000 }

for (const t of transportsHere()) {
  describe(`transport: ${t.name}`, () => {
    const mod = t.module

    test('HTTP routes: static beats :parameter beats wildcard; query, parameters, status and headers', LIMIT, async () => {
      const s = await startApp(mod, (app) => {
        app.get('/api/groups/all', (res) => void res.end('static'))
        app.get('/api/groups/:name', (res, req) => void res.writeStatus('202 Accepted').writeHeader('x-name', req.getParameter(0) ?? '').end(`param ${req.getQuery('q') ?? '-'}`))
        app.any('/*', (res, req) => void res.writeStatus('404 Not Found').end(`any ${req.getMethod()} ${req.getUrl()}`))
      })
      try {
        assert.deepEqual((await http(s.port, 'GET', '/api/groups/all')).text, 'static')
        const p = await http(s.port, 'GET', '/api/groups/orders?q=7')
        assert.equal(p.status, 202)
        assert.equal(p.headers['x-name'], 'orders')
        assert.equal(p.text, 'param 7')
        const w = await http(s.port, 'DELETE', '/nowhere/x')
        assert.equal(w.status, 404)
        assert.equal(w.text, 'any delete /nowhere/x')
      } finally {
        s.stop()
      }
    })

    test('a POST body arrives whole through onData, the last call marked isLast', LIMIT, async () => {
      const body = new Uint8Array(300_000).map((_, i) => (i * 7) & 255)
      const s = await startApp(mod, (app) => {
        app.post('/echo', (res) => {
          const parts: Uint8Array[] = []
          res.onAborted(() => {})
          res.onData((chunk, last) => {
            parts.push(new Uint8Array(chunk.slice(0)))
            if (last) res.cork(() => res.end(Buffer.concat(parts)))
          })
        })
      })
      try {
        const r = await new Promise<Buffer>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: s.port, method: 'POST', path: '/echo', agent: false }, (res) => {
            const chunks: Buffer[] = []
            res.on('data', (d: Buffer) => chunks.push(d))
            res.on('end', () => resolve(Buffer.concat(chunks)))
          })
          req.on('error', reject)
          req.end(body)
        })
        assert.ok(Buffer.from(body).equals(r), `echoed ${r.length} bytes of ${body.length}`)
      } finally {
        s.stop()
      }
    })

    test('HEAD routes answer status and headers without a body; a HEAD without its route falls to any', LIMIT, async () => {
      const s = await startApp(mod, (app) => {
        app.head('/health', (res) => void res.cork(() => res.writeStatus('503 Service Unavailable').writeHeader('x-ready', 'no').end()))
        app.get('/health', (res) => void res.end('{"status":"ok"}'))
        // uWS writes a body given to end() even for HEAD, so a HEAD answer must not pass one.
        app.any('/*', (res, req) => void res.writeStatus('404 Not Found').writeHeader('x-method', req.getMethod()).end())
      })
      try {
        const h = await http(s.port, 'HEAD', '/health')
        assert.equal(h.status, 503)
        assert.equal(h.headers['x-ready'], 'no')
        assert.equal(h.text, '')
        assert.equal((await http(s.port, 'GET', '/health')).text, '{"status":"ok"}')
        const other = await http(s.port, 'HEAD', '/elsewhere')
        assert.equal(other.status, 404)
        assert.equal(other.headers['x-method'], 'head')
        assert.equal(other.text, '')
      } finally {
        s.stop()
      }
    })

    test('getRemoteAddressAsText names the peer of a WebSocket and of an HTTP request', LIMIT, async () => {
      let wsPeer = ''
      const s = await startApp(mod, (app) => {
        app.get('/peer', (res) => void res.end(Buffer.from(res.getRemoteAddressAsText()).toString()))
        app.ws('/ws', { compression: mod.DISABLED, idleTimeout: 60, open: (ws) => void (wsPeer = Buffer.from(ws.getRemoteAddressAsText()).toString()) })
      })
      try {
        // uWS may spell the IPv4 peer plainly or as an IPv4-mapped IPv6 address.
        const loopback = /^(::ffff:)?127\.0\.0\.1$|^(0000:){5}ffff:7f00:0001$/i
        assert.match((await http(s.port, 'GET', '/peer')).text, loopback)
        const c = await openClient(s.port)
        while (wsPeer === '') await new Promise((r) => setTimeout(r, 5))
        assert.match(wsPeer, loopback)
        c.close()
      } finally {
        s.stop()
      }
    })

    test('upgrade keeps user data; binary and text messages arrive with isBinary; end() runs the close handler before it returns', LIMIT, async () => {
      const events: string[] = []
      const s = await startApp(mod, (app) => {
        app.ws<{ tag: string }>('/ws', {
          compression: mod.DISABLED,
          maxPayloadLength: 1 << 20,
          idleTimeout: 60,
          upgrade: (res, req, ctx) => res.upgrade({ tag: req.getHeader('x-tag') }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), ctx),
          message: (ws, msg, isBinary) => {
            events.push(`message ${isBinary ? 'binary' : 'text'} ${Buffer.from(msg).toString('hex')} ${ws.getUserData().tag}`)
            if (!isBinary) {
              ws.end(4001, 'bye now')
              events.push('end returned')
            }
          },
          close: (ws, code, reason) => events.push(`close ${code} ${Buffer.from(reason).toString()} ${ws.getUserData().tag}`),
        })
      })
      try {
        const c = await new Promise<WebSocket>((resolve, reject) => {
          const w = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, { headers: { 'x-tag': 'T1' } })
          w.once('open', () => resolve(w))
          w.once('error', reject)
        })
        const closed = closedWith(c)
        c.send(new Uint8Array([1, 2, 255]))
        c.send('hi')
        assert.deepEqual(await closed, { code: 4001, reason: 'bye now' })
        assert.deepEqual(events, ['message binary 0102ff T1', 'message text 6869 T1', 'close 4001 bye now T1', 'end returned'])
      } finally {
        s.stop()
      }
    })

    test('close() runs the close handler at once and the client sees an abnormal close', LIMIT, async () => {
      let server: UwsSocket<unknown> | null = null
      const order: string[] = []
      const s = await startApp(mod, (app) => {
        app.ws('/ws', { compression: mod.DISABLED, idleTimeout: 60, open: (ws) => void (server = ws), close: () => void order.push('close handler') })
      })
      try {
        const c = await openClient(s.port)
        while (server === null) await new Promise((r) => setTimeout(r, 5))
        const closed = closedWith(c)
        ;(server as UwsSocket<unknown>).close()
        order.push('close returned')
        assert.equal((await closed).code, 1006)
        assert.deepEqual(order, ['close handler', 'close returned'])
      } finally {
        s.stop()
      }
    })

    test('send() copies: a buffer reused right after send() arrives as it was, under backpressure too', LIMIT, async () => {
      const frames = 64
      const size = 256 * 1024
      let sent = -1
      const s = await startApp(mod, (app) => {
        app.ws('/ws', {
          compression: mod.DISABLED,
          maxPayloadLength: 1 << 20,
          maxBackpressure: 1 << 30,
          idleTimeout: 60,
          open: (ws) => {
            const buf = new Uint8Array(size)
            for (let i = 0; i < frames; i++) {
              buf.fill(i)
              ws.send(buf, true, false)
            }
            buf.fill(0xee)
            sent = ws.getBufferedAmount()
          },
        })
      })
      try {
        const c = await openClient(s.port)
        const got = await new Promise<Buffer[]>((resolve) => {
          const out: Buffer[] = []
          c.on('message', (d: Buffer) => {
            out.push(d)
            if (out.length === frames) resolve(out)
          })
        })
        assert.ok(sent > 0, 'the frames did not all fit the socket at once (the case where a reference would be kept)')
        for (let i = 0; i < frames; i++) {
          assert.equal(got[i]!.length, size)
          assert.ok(got[i]!.every((b) => b === i), `frame ${i} changed after send()`)
        }
        c.close()
      } finally {
        s.stop()
      }
    })

    test('backpressure: getBufferedAmount grows, a frame over maxBackpressure is dropped (2), drain fires once the client reads', LIMIT, async () => {
      let server: UwsSocket<unknown> | null = null
      let drained = 0
      const s = await startApp(mod, (app) => {
        app.ws('/ws', { compression: mod.DISABLED, maxPayloadLength: 1 << 22, maxBackpressure: 4 << 20, idleTimeout: 60, open: (ws) => void (server = ws), drain: () => void drained++ })
      })
      try {
        const c = await openClient(s.port)
        while (server === null) await new Promise((r) => setTimeout(r, 5))
        const ws = server as UwsSocket<unknown>
        ;(c as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
        const frame = new Uint8Array(1 << 20)
        const results: number[] = []
        for (let i = 0; i < 64 && !results.includes(2); i++) results.push(ws.send(frame, true, false))
        assert.ok(results.includes(0), `no send reported backpressure: ${results.join(',')}`)
        assert.ok(results.includes(2), `nothing was dropped over maxBackpressure: ${results.join(',')}`)
        assert.ok(ws.getBufferedAmount() >= 4 << 20, `buffered=${ws.getBufferedAmount()}`)
        ;(c as unknown as { _socket: { resume(): void } })._socket.resume()
        for (let i = 0; i < 500 && drained === 0; i++) await new Promise((r) => setTimeout(r, 10))
        assert.ok(drained > 0, 'no drain after the client read')
        c.terminate()
      } finally {
        s.stop()
      }
    })

    test('listen: the port of a running server cannot be taken; after us_listen_socket_close new connections fail, open ones stay', LIMIT, async () => {
      let opened: UwsSocket<unknown> | null = null
      const s = await startApp(mod, (app) => app.ws('/ws', { compression: mod.DISABLED, idleTimeout: 60, open: (ws) => void (opened = ws) }))
      const second = mod.App()
      const again = await new Promise<boolean>((resolve) => second.listen('127.0.0.1', s.port, mod.LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1, (ls) => resolve(ls !== false)))
      assert.equal(again, false, 'a second listen on the same port succeeded')
      const c = await openClient(s.port)
      s.stop()
      await assert.rejects(openClient(s.port))
      const echo = new Promise<number>((resolve) => c.once('message', (d: Buffer) => resolve(d.length)))
      ;(opened as UwsSocket<unknown> | null)!.send(new Uint8Array(3), true, false)
      assert.equal(await echo, 3)
      c.close()
    })
  })
}
