// Start-up check of a transport: a throwaway app on 127.0.0.1 and a free
// port, one HTTP GET and one WebSocket upgrade with a binary echo, both from
// real clients (node:http, ws). A build that loads but cannot serve (a
// JavaScript stand-in, a binary for another runtime) fails here, before the
// gateway says it is ready, instead of at its first client.

import { request } from 'node:http'
import WebSocket from 'ws'
import type { us_listen_socket, UwsModule } from './uws-api.js'

const PROBE_BYTES = new Uint8Array([0x6f, 0x72, 0x64, 0x6f, 0x00, 0xff])

/** Resolves null when both checks pass, else what failed. Never rejects. */
export async function probeTransport(mod: UwsModule, timeoutMs = 5000): Promise<string | null> {
  // A broken build may throw from inside its own event callbacks: that must
  // fail the probe, not the process. Only for the probe's few milliseconds.
  let thrown: unknown = null
  let failNow: (err: unknown) => void = () => {}
  const threw = new Promise<never>((_, reject) => (failNow = reject))
  threw.catch(() => {})
  const onThrow = (err: unknown) => {
    thrown ??= err
    failNow(err)
  }
  process.on('uncaughtException', onThrow)
  let listen: us_listen_socket | null = null
  let client: WebSocket | null = null
  try {
    const app = mod.App()
    app.get('/ordo-probe', (res) => {
      res.cork(() => res.writeStatus('200 OK').writeHeader('content-type', 'text/plain').end('probe ok'))
    })
    app.ws<{ n: number }>('/ordo-probe-ws', {
      compression: mod.DISABLED,
      maxPayloadLength: 1024,
      idleTimeout: 8,
      upgrade: (res, req, context) => {
        res.upgrade({ n: 0 }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context)
      },
      message: (ws, message, isBinary) => {
        ws.send(new Uint8Array(message).slice(0), isBinary, false)
      },
    })
    listen = await within(
      timeoutMs,
      'listen',
      new Promise<us_listen_socket>((resolve, reject) => {
        app.listen('127.0.0.1', 0, mod.LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1, (s) => (s === false ? reject(new Error('cannot listen on 127.0.0.1')) : resolve(s)))
      }),
      threw,
    )
    const port = mod.us_socket_local_port(listen)
    const body = await within(timeoutMs, 'HTTP GET', httpGet(port), threw)
    if (body !== 'probe ok') return `HTTP GET answered ${JSON.stringify(body.slice(0, 80))} instead of "probe ok"`
    client = new WebSocket(`ws://127.0.0.1:${port}/ordo-probe-ws`)
    const ws = client
    const echo = await within(
      timeoutMs,
      'WebSocket upgrade and echo',
      new Promise<Buffer>((resolve, reject) => {
        ws.once('open', () => ws.send(PROBE_BYTES))
        ws.once('message', (data: Buffer) => resolve(data))
        ws.once('error', reject)
        ws.once('close', (code) => reject(new Error(`closed before the echo: code=${code}`)))
      }),
      threw,
    )
    if (!Buffer.from(PROBE_BYTES).equals(echo)) return `WebSocket echo differs: sent ${Buffer.from(PROBE_BYTES).toString('hex')}, got ${echo.toString('hex')}`
    return thrown === null ? null : describe(thrown)
  } catch (err) {
    return describe(thrown ?? err)
  } finally {
    client?.terminate()
    if (listen !== null) {
      try {
        mod.us_listen_socket_close(listen)
      } catch {
        /* the build is broken anyway */
      }
    }
    // Let a pending close run inside the window where its errors are caught.
    await new Promise((r) => setTimeout(r, 10))
    process.off('uncaughtException', onThrow)
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err)
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/ordo-probe', agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.on('end', () => resolve(text))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function within<T>(ms: number, what: string, p: Promise<T>, threw: Promise<never>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout, threw]).finally(() => clearTimeout(timer))
}
