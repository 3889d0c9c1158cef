#!/usr/bin/env node
// Runs before `npm pack` / `npm publish` (package.json "prepack", after strip-comments):
// removes the .d.ts files of the package that no TypeScript program can reach. The
// package exposes its types through four entry points only (package.json "types",
// "exports" and "typesVersions": ordo, ordo/engine, ordo/codec, ordo/gateway,
// ordo/client); a declaration that none of them imports, directly or through other
// declarations, describes an internal module (a pipeline stage, a worker, the journal's
// files) that an import cannot name. Those are dropped; every declaration an entry
// point needs stays (test/packaging compiles apps against the installed package with
// skipLibCheck off, so a missing one fails there).
//
// Usage: node tools/prune-declarations.mjs [--root DIR]   (DIR holds package.json and
// dist/; default: this checkout. test/packaging passes a staged copy of the package.)
// On the checkout it also removes dist/.tsbuildinfo, so the next `npm run build` emits
// every file again (an incremental build would not restore what the prepack steps
// removed or rewrote).
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const at = process.argv.indexOf('--root')
const staged = at > 0 && process.argv[at + 1] !== undefined
const root = resolve(staged ? process.argv[at + 1] : new URL('..', import.meta.url).pathname)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** Every "types" target the package declares: the top-level field, the exports map, typesVersions. */
function entryPoints() {
  const out = new Set()
  if (typeof pkg.types === 'string') out.add(pkg.types)
  const visit = (v, key) => {
    if (typeof v === 'string') {
      if (key === 'types') out.add(v)
    } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k)
  }
  visit(pkg.exports, '')
  for (const map of Object.values(pkg.typesVersions ?? {})) for (const targets of Object.values(map)) for (const t of targets) out.add(t)
  return [...out].map((p) => resolve(root, p))
}

/** The declaration file a relative specifier in `from` names, or null. */
function declarationFor(from, spec) {
  const base = resolve(dirname(from), spec)
  const candidates = [base.replace(/\.js$/, '.d.ts'), `${base}.d.ts`, join(base, 'index.d.ts')]
  for (const c of candidates) if (c.endsWith('.d.ts') && existsSync(c)) return c
  return null
}

/** Relative module specifiers a declaration file refers to: import/export from, import("..") types, reference paths. */
function referencesOf(file) {
  const text = readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
  const specs = sf.referencedFiles.map((r) => r.fileName)
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specs.push(node.argument.literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return specs.filter((s) => s.startsWith('.'))
}

const reachable = new Set()
const todo = entryPoints()
for (const e of todo) if (!existsSync(e)) {
  console.error(`prune-declarations: entry point ${relative(root, e)} is missing: run "npm run build" first`)
  process.exit(2)
}
while (todo.length > 0) {
  const f = todo.pop()
  if (reachable.has(f)) continue
  reachable.add(f)
  for (const spec of referencesOf(f)) {
    const d = declarationFor(f, spec)
    if (d !== null) todo.push(d)
  }
}

let removed = 0
let removedBytes = 0
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (name.endsWith('.d.ts') && !reachable.has(p)) {
      removedBytes += statSync(p).size
      rmSync(p)
      removed++
    }
  }
}
// The folders the package ships (package.json "files"); tests and benchmarks are not shipped.
for (const top of ['engine', 'codec', 'gateway', 'tools']) walk(join(root, 'dist', top))
if (!staged) rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true })
console.error(`prune-declarations: ${reachable.size} declaration files reachable from the entry points kept, ${removed} internal ones removed (${(removedBytes / 1024).toFixed(0)} KiB)`)
