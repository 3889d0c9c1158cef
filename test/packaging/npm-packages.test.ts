// The two npm packages as a user gets them: `npm pack` of the server package
// and of the client package (tools/build-client.mjs), each installed from its
// tarball into a scratch app; TypeScript compiled against them with
// moduleResolution node and NodeNext; the installed `ordo start` serving a
// Node client and the browser bundle in Chromium; the client app holding no
// native module. Prints the tarball sizes.
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { Chromium } from '../gateway/helpers/chromium.js'
import { freePort } from '../gateway/helpers/server-process.js'
import { BROWSER_PAGE, CLIENT_APP, SERVER_APP, tsconfigFor } from './app-sources.js'
import { buildClientPackage, log, pack, packServer, repoRoot, scratchApp, tsc, walk, type Packed } from './helpers/scratch.js'

const MB = 1024 * 1024
let tmp = ''
let server: Packed
let client: Packed
let serverApp = ''
let clientApp = ''
let running: ChildProcess | null = null
let wsUrl = ''

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ordo-packaging-'))
  log('building the client package')
  buildClientPackage(join(tmp, 'client-build'))
  log('packing both packages')
  server = packServer(tmp)
  client = pack(join(tmp, 'client-build'), tmp)
  log(`server ${server.tarball}: ${server.size} B packed, ${server.unpackedSize} B unpacked, ${server.files.length} files`)
  log(`client ${client.tarball}: ${client.size} B packed, ${client.unpackedSize} B unpacked, ${client.files.length} files`)
  const ws = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.ws!
  log('installing the server tarball into a scratch app (npm, cache first)')
  serverApp = join(tmp, 'server-app')
  scratchApp(serverApp, [server.tarball])
  log('installing the client tarball (and ws, as Node 20 needs) into another')
  clientApp = join(tmp, 'client-app')
  scratchApp(clientApp, [client.tarball, `ws@${ws}`])
})

after(async () => {
  if (running !== null && running.exitCode === null) {
    running.kill('SIGTERM')
    await new Promise((r) => running!.once('exit', r))
  }
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true })
})

test('server tarball: library, types, CLI, docs, LICENSE; no tests, benchmarks or source maps; under 1 MB unpacked', () => {
  const f = new Set(server.files)
  for (const need of ['package.json', 'README.md', 'LICENSE', 'gateway/README.md', 'codec/ordo.fbs', 'dist/engine/index.js', 'dist/engine/index.d.ts', 'dist/gateway/index.js', 'dist/gateway/client/index.js', 'dist/gateway/client/index.d.ts', 'dist/tools/cli.js', 'dist/gateway/ui/browser/dashboard.js']) {
    assert.ok(f.has(need), `missing ${need}`)
  }
  const stray = server.files.filter(
    (p) => p.startsWith('dist/test/') || p.startsWith('dist/bench/') || p.endsWith('.map') || p.endsWith('.tsbuildinfo') || /\.test\.js$/.test(p) || /^dist\/gateway\/ui\/browser\/.*\.d\.ts$/.test(p),
  )
  assert.deepEqual(stray, [])
  // Declarations of internal modules (no entry point imports them) are not shipped;
  // those the entry points need are (the TypeScript apps below compile against them).
  const internal = server.files.filter((p) => /(\.worker|-task)\.d\.ts$/.test(p) || p.startsWith('dist/tools/cli') && p.endsWith('.d.ts'))
  assert.deepEqual(internal, [])
  assert.ok(f.has('dist/engine/engine-port.d.ts') && f.has('dist/engine/engine-state.d.ts'), 'declarations the entry points import are shipped')
  const installed = join(serverApp, 'node_modules', 'ordo')
  for (const p of server.files.filter((x) => x.endsWith('.js'))) {
    const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installed, p), 'utf8'))
    assert.ok(m === null || existsSync(join(installed, p, '..', m[1]!)), `${p} points at a source map the package does not ship`)
  }
  console.log(`server package: ${(server.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${(server.size / 1024).toFixed(0)} KiB packed, ${server.files.length} files`)
  assert.ok(server.unpackedSize < MB, `unpacked ${server.unpackedSize} B`)
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { main: string; types: string; dependencies: Record<string, string>; optionalDependencies: Record<string, string> }
  assert.ok(existsSync(join(installed, pkg.main)) && existsSync(join(installed, pkg.types)))
  for (const benchOnly of ['ioredis', 'hdr-histogram-js', 'tinybench', 'fast-check']) assert.equal(pkg.dependencies[benchOnly], undefined, `${benchOnly} is a runtime dependency`)
  assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), ['@btc-vision/uwebsockets.js', '@trufflesuite/uws-js-unofficial'])
})

test('client tarball: depends on flatbuffers only (ws an optional peer), prebuilt browser bundle, main and types', () => {
  const pkg = JSON.parse(readFileSync(join(clientApp, 'node_modules', 'ordo-client', 'package.json'), 'utf8')) as Record<string, unknown>
  assert.equal(pkg.name, 'ordo-client')
  assert.deepEqual(Object.keys(pkg.dependencies as object), ['flatbuffers'])
  assert.deepEqual(pkg.peerDependenciesMeta, { ws: { optional: true } })
  for (const need of ['index.js', 'index.cjs', 'index.d.ts', 'browser/ordo-client.js', 'LICENSE', 'README.md']) assert.ok(client.files.includes(need), `missing ${need}`)
  assert.equal(pkg.main, './index.cjs')
  assert.equal(pkg.types, './index.d.ts')
  console.log(`client package: ${(client.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${(client.size / 1024).toFixed(0)} KiB packed, ${client.files.length} files`)
})

test('the client app holds no native module and no server package', () => {
  const files = walk(join(clientApp, 'node_modules'))
  assert.deepEqual(files.filter((p) => p.endsWith('.node')), [])
  const packages = files.filter((p) => p.endsWith('/package.json') && p.split('/').length <= 3).map((p) => p.slice(0, -'/package.json'.length))
  assert.deepEqual(packages.filter((p) => /uws|uwebsockets|^ordo$|crc32|piscina|nats/i.test(p)), [])
  assert.deepEqual(packages.sort(), ['flatbuffers', 'ordo-client', 'ws'])
})

for (const variant of ['node', 'nodenext'] as const) {
  test(`TypeScript, moduleResolution ${variant}: the client app and an app embedding the server compile`, () => {
    writeFileSync(join(clientApp, 'app.ts'), CLIENT_APP)
    writeFileSync(join(clientApp, `tsconfig.${variant}.json`), tsconfigFor(variant, `out-${variant}`, ['app.ts'], null))
    assert.equal(tsc(join(clientApp, `tsconfig.${variant}.json`)), '')
    writeFileSync(join(serverApp, 'app.ts'), SERVER_APP)
    writeFileSync(join(serverApp, `tsconfig.${variant}.json`), tsconfigFor(variant, `out-${variant}`, ['app.ts'], join(repoRoot, 'node_modules', '@types')))
    assert.equal(tsc(join(serverApp, `tsconfig.${variant}.json`)), '')
  })
}

test('the app embedding the installed server package publishes and subscribes through it', () => {
  const r = spawnSync(process.execPath, [join(serverApp, 'out-nodenext', 'app.js')], { cwd: serverApp, encoding: 'utf8', timeout: 60_000 })
  assert.equal(r.status, 0, r.stderr)
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { got: number[]; transport: string }
  assert.deepEqual(res.got, Array.from({ length: 20 }, (_, i) => i + 1))
  assert.ok(['uws', 'ws'].includes(res.transport))
})

test('the installed `ordo start` serves; the client app (both builds) publishes and subscribes; `ordo bench` says it is not installed', async () => {
  const port = await freePort()
  const bin = join(serverApp, 'node_modules', '.bin', 'ordo')
  running = spawn(bin, ['start', '--port', String(port), '--data', join(tmp, 'data'), '--durability', 'fsync'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const out: string[] = []
  await new Promise<void>((resolve, reject) => {
    running!.stdout!.on('data', (d: Buffer) => {
      out.push(d.toString())
      // JSON log lines (stdout is a pipe here).
      if (/"msg":"ready"/.test(out.join(''))) resolve()
    })
    running!.stderr!.on('data', (d: Buffer) => out.push(d.toString()))
    running!.once('exit', (code) => reject(new Error(`ordo start exited ${code}:\n${out.join('')}`)))
    setTimeout(() => reject(new Error(`not ready in 30 s:\n${out.join('')}`)), 30_000).unref()
  })
  wsUrl = `ws://127.0.0.1:${port}/`
  // The dashboard is served from the installed package; its scripts ship minified and still parse.
  const page = await fetch(`http://127.0.0.1:${port}/ui`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<script type="module" src="\/ui\/dashboard\.js">/)
  for (const name of ['dashboard', 'format', 'line-chart', 'quantiles']) {
    const r = await fetch(`http://127.0.0.1:${port}/ui/${name}.js`)
    assert.equal(r.status, 200, name)
    const code = await r.text()
    assert.ok(code.trim().split('\n').length <= 2, `${name}.js is minified: ${code.split('\n').length} lines`)
    const file = join(tmp, `served-${name}.mjs`)
    writeFileSync(file, code)
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' })
    assert.equal(check.status, 0, `${name}.js parses: ${check.stderr}`)
  }
  for (const variant of ['node', 'nodenext']) {
    const group = `pkg.${variant}`
    const r = spawnSync(process.execPath, [join(clientApp, `out-${variant}`, 'app.js'), wsUrl, group], { cwd: clientApp, encoding: 'utf8', timeout: 60_000 })
    assert.equal(r.status, 0, r.stderr)
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { got: string[]; gsns: string[]; errorClass: boolean }
    assert.deepEqual(res.got, Array.from({ length: 50 }, (_, i) => `c${i}`))
    assert.equal(res.errorClass, true)
  }
  const cjs = spawnSync(process.execPath, ['-e', "const c = require('ordo-client'); if (typeof c.connect !== 'function') process.exit(3)"], { cwd: clientApp, encoding: 'utf8' })
  assert.equal(cjs.status, 0, `require('ordo-client') from CommonJS: ${cjs.stderr}`)
  const bench = spawnSync(bin, ['bench', '--only', 'idle'], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(bench.status, 1)
  assert.match(bench.stderr, /benchmarks are not part of the installed package: run them from a source checkout/)
})

test('the prebuilt browser bundle publishes and subscribes from Chromium, no import map, no bundler', async () => {
  assert.ok(wsUrl !== '', 'needs the server of the previous test')
  const bundle = readFileSync(join(clientApp, 'node_modules', 'ordo-client', 'browser', 'ordo-client.js'))
  const statics: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/ordo-client.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
    else if (path === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(BROWSER_PAGE)
    else res.writeHead(404).end()
  })
  await new Promise<void>((r) => statics.listen(0, '127.0.0.1', r))
  const addr = statics.address() as { port: number }
  const browser = await Chromium.launch()
  try {
    const page = `http://127.0.0.1:${addr.port}/?ws=${encodeURIComponent(wsUrl)}&group=pkg.browser`
    const text = await browser.evaluateWhenReady(page, "document.getElementById('result').textContent", 60_000)
    const res = JSON.parse(text) as { ok: boolean; error?: string; got: string[]; gsns: string[] }
    assert.equal(res.ok, true, res.error)
    assert.deepEqual(res.got, Array.from({ length: 40 }, (_, i) => `b${i}`))
  } finally {
    browser.close()
    statics.close()
  }
})
