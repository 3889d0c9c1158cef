// HEAD /health answers like GET without a body; CORS is off unless configured,
// and then allows exactly the configured origins (set through ORDO_CORS_ORIGIN,
// which also shows the environment mapping of `ordo start`), with preflights.
import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { test } from 'node:test'
import { startServerProcess } from './helpers/server-process.js'

function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, agent?: Agent): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, ...(agent === undefined ? {} : { agent }) }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

test('HEAD /health: 200 with the headers of GET and no body; no CORS headers by default', async () => {
  const server = await startServerProcess({})
  try {
    const head = await raw(server.port, 'HEAD', '/health')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
    assert.equal(head.headers['content-type'], 'application/json')
    const get = await raw(server.port, 'GET', '/health', { origin: 'https://ops.example.com' })
    assert.equal(get.status, 200)
    assert.equal(get.headers['access-control-allow-origin'], undefined)
  } finally {
    await server.stop()
  }
})

test('HEAD on a path without a HEAD route: 404 with no body, and the connection stays usable', async () => {
  const server = await startServerProcess({})
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    for (const path of ['/nope', '/metrics', '/publish']) {
      const head = await raw(server.port, 'HEAD', path, {}, agent)
      assert.equal(head.status, 404, path)
      assert.equal(head.body, '', path)
      // The next request on the same connection parses: no body bytes were left behind.
      const get = await raw(server.port, 'GET', '/health', {}, agent)
      assert.equal(get.status, 200, `GET after HEAD ${path}`)
    }
  } finally {
    agent.destroy()
    await server.stop()
  }
})

test('CORS: allowed origins get Access-Control-Allow-Origin, others do not; preflight answered', async () => {
  process.env.ORDO_CORS_ORIGIN = 'https://ops.example.com,http://localhost:3000'
  let server
  try {
    server = await startServerProcess({})
  } finally {
    delete process.env.ORDO_CORS_ORIGIN
  }
  try {
    const ok = await raw(server.port, 'GET', '/api/stats', { origin: 'https://ops.example.com' })
    assert.equal(ok.status, 200)
    assert.equal(ok.headers['access-control-allow-origin'], 'https://ops.example.com')
    assert.equal(ok.headers.vary, 'origin')
    const health = await raw(server.port, 'GET', '/health', { origin: 'http://localhost:3000' })
    assert.equal(health.headers['access-control-allow-origin'], 'http://localhost:3000')
    const other = await raw(server.port, 'GET', '/api/stats', { origin: 'https://evil.example' })
    assert.equal(other.headers['access-control-allow-origin'], undefined)
    const pre = await raw(server.port, 'OPTIONS', '/publish', {
      origin: 'https://ops.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    })
    assert.equal(pre.status, 204)
    assert.equal(pre.headers['access-control-allow-origin'], 'https://ops.example.com')
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/)
    assert.match(String(pre.headers['access-control-allow-headers']), /authorization/)
    const badPre = await raw(server.port, 'OPTIONS', '/publish', { origin: 'https://evil.example', 'access-control-request-method': 'POST' })
    assert.equal(badPre.headers['access-control-allow-origin'], undefined)
    const notFound = await raw(server.port, 'GET', '/nope', { origin: 'https://ops.example.com' })
    assert.equal(notFound.status, 404)
    assert.equal(notFound.headers['access-control-allow-origin'], 'https://ops.example.com', 'errors carry the header too, so the page can read them')
  } finally {
    await server.stop()
  }
})
