#!/usr/bin/env node
// Builds the client package `ordo-client` into dist-client/: the client
// library alone, for browser and Node.js apps that talk to a gateway and must
// not install the server (its native modules, its worker pool, its journal).
//
//   dist-client/
//     package.json            name ordo-client; depends on flatbuffers only; ws as an optional peer (Node 20)
//     index.js  index.cjs     the library as one ES module / one CommonJS module (flatbuffers stays an import)
//     index.d.ts, types/      declarations (tsc); index.d.ts re-exports the client's public surface
//     browser/ordo-client.js  prebuilt ES module for <script type="module">, flatbuffers inside, minified
//     README.md LICENSE
//
// Usage: node tools/build-client.mjs [--out DIR]   (npm run build:client; default DIR dist-client)
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const outFlag = process.argv.indexOf('--out')
const out = outFlag > 0 && process.argv[outFlag + 1] !== undefined ? resolve(process.argv[outFlag + 1]) : join(root, 'dist-client')
const entry = join(root, 'gateway', 'client', 'index.ts')
const server = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const step = (what) => process.stderr.write(`build-client: ${what}\n`)

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const common = { entryPoints: [entry], bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' }
step('ES module and CommonJS builds (esbuild)')
await build({ ...common, outfile: join(out, 'index.js'), format: 'esm', platform: 'neutral', external: ['flatbuffers', 'ws'] })
await build({ ...common, outfile: join(out, 'index.cjs'), format: 'cjs', platform: 'node', external: ['flatbuffers', 'ws'] })
step('browser bundle (esbuild, flatbuffers inside, minified)')
await build({ ...common, outfile: join(out, 'browser', 'ordo-client.js'), format: 'esm', platform: 'browser', minify: true, mainFields: ['module', 'main'] })

step('declarations (tsc)')
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tools', 'client-package', 'tsconfig.json'), '--outDir', join(out, 'types')], { stdio: 'inherit' })
if (tsc.status !== 0) {
  process.stderr.write('build-client: tsc failed (see above)\n')
  process.exit(1)
}
writeFileSync(join(out, 'index.d.ts'), "export * from './types/gateway/client/index.js'\n")

const flatbuffers = server.dependencies.flatbuffers
const ws = server.dependencies.ws
const pkg = {
  name: 'ordo-client',
  version: server.version,
  description: 'Client library of the ordo sequencer: publish to groups and subscribe to their ordered streams over one WebSocket (browsers and Node.js)',
  license: server.license,
  type: 'module',
  engines: { node: '>=20.10' },
  main: './index.cjs',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    // CommonJS callers get the same code through require(); the declarations are ES module ones.
    '.': { types: './index.d.ts', import: './index.js', require: './index.cjs' },
    './browser': './browser/ordo-client.js',
    './package.json': './package.json',
  },
  sideEffects: false,
  dependencies: { flatbuffers },
  // Browsers, Deno and Node >= 22 have a WebSocket; Node 20 needs the ws package.
  peerDependencies: { ws: `^${ws}` },
  peerDependenciesMeta: { ws: { optional: true } },
}
writeFileSync(join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
copyFileSync(join(root, 'tools', 'client-package', 'README.md'), join(out, 'README.md'))
copyFileSync(join(root, 'LICENSE'), join(out, 'LICENSE'))
step(`done: ${out} (pack it with: npm pack ${out})`)
