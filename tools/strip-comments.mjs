#!/usr/bin/env node
// Runs before `npm pack` / `npm publish` (package.json "prepack"): rewrites the compiled
// JavaScript that the package ships (dist/engine, dist/codec, dist/gateway, dist/tools)
// without comments and without indentation or blank lines (esbuild's whitespace and syntax
// minification; identifiers keep their names, so stack traces still name every function
// and class). The sources keep every comment and the .d.ts files keep their doc comments;
// what users install is the code alone, which keeps the package under 1 MB.
// The dashboard's browser scripts (dist/gateway/ui/browser, served at /ui/*.js and read
// by browsers only) are minified as well.
// Idempotent: a file without comments comes out the same.
// Usage: node tools/strip-comments.mjs [--root DIR]   (DIR holds dist/; default: this
// checkout. test/packaging passes a staged copy of the package, so the checkout's dist
// keeps its comments.)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'

const at = process.argv.indexOf('--root')
const root = at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : new URL('..', import.meta.url).pathname
let before = 0
let after = 0
let files = 0
const browserDir = join(root, 'dist', 'gateway', 'ui', 'browser')
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (name.endsWith('.js')) {
      const code = readFileSync(p, 'utf8')
      // Browser scripts get identifiers shortened too: they are served, not debugged by users.
      const minifyIdentifiers = dir === browserDir
      const out = transformSync(code, { loader: 'js', format: 'esm', target: 'es2022', legalComments: 'none', charset: 'utf8', minifyWhitespace: true, minifySyntax: true, minifyIdentifiers }).code
      before += code.length
      after += out.length
      files++
      if (out !== code) writeFileSync(p, out)
    }
  }
}
for (const top of ['engine', 'codec', 'gateway', 'tools']) {
  try {
    walk(join(root, 'dist', top))
  } catch (err) {
    console.error(`strip-comments: dist/${top} is missing: run "npm run build" first (${err.message})`)
    process.exit(2)
  }
}
console.error(`strip-comments: ${files} files, ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB`)
