#!/usr/bin/env node
// The repository's structure, computed from the source: which module imports which, the
// folder-level arrows that follow, and every import cycle. Prints a drawing and writes it
// to docs/structure.md (so a reader sees the layering without running anything).
//
//   node tools/structure.mjs            print and write docs/structure.md
//   node tools/structure.mjs --check    print; exit 1 if a layering rule is broken
//   node tools/structure.mjs --json     the graph as JSON (used by test/tools/structure.test.ts)
//
// Sources: the .ts/.mjs files under engine/ codec/ gateway/ tools/ (tests and benchmarks
// are users of these, not part of them). An edge is an import or export-from of a
// relative module, a dynamic import(), or a worker started from a file
// (`new URL('./x.worker.js', import.meta.url)`). An edge is type-only when the statement
// is `import type` / `export type`, or every name it imports is marked `type`: it
// disappears from the compiled JavaScript, so a cycle that needs one is a back-pointer
// for the type checker, not a load-order dependency.
//
// Rules (--check and the test):
//   1. engine/ and codec/ never import gateway/ (not even types);
//   2. codec/ never imports engine/ (codec is the protocol's vocabulary; everyone uses it);
//   3. no cycle of value imports between files;
//   4. code that runs on a worker thread (*.worker.ts, the piscina task, RingPublisher)
//      never imports the main-thread orchestrator engine/engine.ts, not even a type.

import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const FOLDERS = ['engine', 'codec', 'gateway', 'tools']
const ORCHESTRATOR = 'engine/engine.ts'
const WORKER_SIDE = [/\.worker\.ts$/, /^engine\/stages\/catchup\/catchup-task\.ts$/, /^engine\/catchup\/catchup-task\.ts$/, /^engine\/ring-publisher\.ts$/]

function posix(p) {
  return p.split(sep).join('/')
}

function listSources(dir, out) {
  for (const name of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${name.name}`
    if (name.isDirectory()) {
      if (name.name !== 'node_modules') listSources(rel, out)
    } else if ((name.name.endsWith('.ts') && !name.name.endsWith('.d.ts')) || name.name.endsWith('.mjs')) out.push(rel)
  }
  return out
}

/** The source file a relative specifier names ('./x.js' → './x.ts'), or null. */
function resolveSpecifier(from, spec, files) {
  if (!spec.startsWith('.')) return null
  const base = posix(relative(ROOT, resolve(ROOT, dirname(from), spec)))
  for (const c of [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mjs'), `${base}.ts`, `${base}/index.ts`]) {
    if (files.has(c)) return c
  }
  return null
}

function edgesOf(file, files) {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, file.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS)
  const edges = []
  const add = (spec, kind) => {
    const to = resolveSpecifier(file, spec, files)
    if (to !== null && to !== file) edges.push({ from: file, to, kind })
  }
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause
      let typeOnly = c !== undefined && c.isTypeOnly
      if (c !== undefined && !typeOnly && c.name === undefined && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings)) {
        const els = c.namedBindings.elements
        typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly)
      }
      add(node.moduleSpecifier.text, typeOnly ? 'type' : 'value')
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = node.isTypeOnly
      if (!typeOnly && node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
        const els = node.exportClause.elements
        typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly)
      }
      add(node.moduleSpecifier.text, typeOnly ? 'type' : 'value')
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, 'value')
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' && node.arguments !== undefined && node.arguments.length === 2) {
      const [a, b] = node.arguments
      if (ts.isStringLiteral(a) && b.getText(sf) === 'import.meta.url') add(a.text, 'worker')
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return edges
}

export function computeStructure() {
  const list = FOLDERS.flatMap((f) => listSources(f, [])).sort()
  const files = new Set(list)
  const edges = list.flatMap((f) => edgesOf(f, files))
  // Cycles: strongly connected components (Tarjan) of the value-import graph, and of all
  // imports (what remains beyond the value cycles are type-only back-pointers).
  const sccs = (kinds) => {
    const adj = new Map(list.map((f) => [f, []]))
    for (const e of edges) if (kinds.includes(e.kind)) adj.get(e.from).push(e.to)
    let index = 0
    const idx = new Map()
    const low = new Map()
    const stack = []
    const on = new Set()
    const out = []
    const strong = (v) => {
      idx.set(v, index)
      low.set(v, index++)
      stack.push(v)
      on.add(v)
      for (const w of adj.get(v)) {
        if (!idx.has(w)) {
          strong(w)
          low.set(v, Math.min(low.get(v), low.get(w)))
        } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)))
      }
      if (low.get(v) === idx.get(v)) {
        const comp = []
        let w
        do {
          w = stack.pop()
          on.delete(w)
          comp.push(w)
        } while (w !== v)
        if (comp.length > 1) out.push(comp.sort())
      }
    }
    for (const f of list) if (!idx.has(f)) strong(f)
    return out
  }
  const valueCycles = sccs(['value'])
  const allCycles = sccs(['value', 'type'])
  return { files: list, edges, valueCycles, typeCycles: allCycles.filter((c) => !valueCycles.some((v) => v.every((f) => c.includes(f)) && v.length === c.length)) }
}

/** Folder of a file at `depth` levels (engine/stages/sequencer/x.ts, depth 2 → engine/stages). */
function folderOf(file, depth) {
  const parts = file.split('/')
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('/')
}

function folderArrows(s, depth) {
  const arrows = new Map()
  for (const e of s.edges) {
    const a = folderOf(e.from, depth)
    const b = folderOf(e.to, depth)
    if (a === b) continue
    const key = `${a} ${b}`
    const cur = arrows.get(key) ?? { from: a, to: b, kinds: new Set(), count: 0 }
    cur.kinds.add(e.kind)
    cur.count++
    arrows.set(key, cur)
  }
  return [...arrows.values()].sort((x, y) => (x.from === y.from ? x.to.localeCompare(y.to) : x.from.localeCompare(y.from)))
}

export function ruleViolations(s) {
  const out = []
  for (const e of s.edges) {
    const from = e.from.split('/')[0]
    const to = e.to.split('/')[0]
    if ((from === 'engine' || from === 'codec') && to === 'gateway') out.push(`${e.from} imports ${e.to} (${e.kind}): engine/ and codec/ must not depend on gateway/`)
    const relay = (f) => f.startsWith('gateway/relay/')
    if (relay(e.to) && !relay(e.from) && from !== 'tools') out.push(`${e.from} imports ${e.to} (${e.kind}): only tools/ may use gateway/relay/ (the relay sits on top of the gateway)`)
    if (from === 'codec' && to === 'engine') out.push(`${e.from} imports ${e.to} (${e.kind}): codec/ must not depend on engine/`)
    if (e.to === ORCHESTRATOR && e.kind !== 'worker' && WORKER_SIDE.some((re) => re.test(e.from))) {
      out.push(`${e.from} imports ${e.to} (${e.kind}): worker-side code must not import the main-thread orchestrator`)
    }
  }
  for (const c of s.valueCycles) out.push(`value-import cycle: ${c.join(' → ')}`)
  return out
}

function arrowLine(a) {
  const kinds = [...a.kinds]
  const how = kinds.length === 1 && kinds[0] === 'type' ? '··▶' : kinds.includes('value') ? '──▶' : kinds.includes('worker') ? '══▶' : '··▶'
  return `${a.from.padEnd(26)} ${how} ${a.to.padEnd(26)} ${String(a.count).padStart(3)} import${a.count === 1 ? '' : 's'}${kinds.includes('type') && kinds.length > 1 ? ' (some type-only)' : ''}${kinds.includes('worker') ? ' (starts workers)' : ''}`
}

export function renderStructure(s) {
  const lines = []
  lines.push('# Structure of the source')
  lines.push('')
  lines.push('Generated by `node tools/structure.mjs` from the import statements of engine/, codec/,')
  lines.push('gateway/ and tools/ (tests and benchmarks excluded). `test/tools/structure.test.ts` fails')
  lines.push('when engine/ or codec/ imports gateway/, anything outside it but tools/ imports gateway/relay/, codec/ imports engine/, worker-side code')
  lines.push('imports engine/engine.ts, or files import each other in a cycle of value imports.')
  lines.push('')
  lines.push('Arrows: `──▶` value imports (loaded at run time), `··▶` type-only imports (erased by the')
  lines.push('compiler), `══▶` worker threads started from a file.')
  lines.push('')
  lines.push('## Top-level folders')
  lines.push('')
  lines.push('```')
  for (const a of folderArrows(s, 1)) lines.push(arrowLine(a))
  lines.push('```')
  lines.push('')
  lines.push('## Folders')
  lines.push('')
  lines.push('```')
  for (const a of folderArrows(s, 3)) lines.push(arrowLine(a))
  lines.push('```')
  lines.push('')
  lines.push('## Cycles')
  lines.push('')
  if (s.valueCycles.length === 0) lines.push('No cycle of value imports.')
  for (const c of s.valueCycles) lines.push(`- value-import cycle: ${c.join(' → ')}`)
  lines.push('')
  if (s.typeCycles.length === 0) lines.push('No type-only back-pointers.')
  else {
    lines.push('Type-only back-pointers (a cycle only through `import type`, erased at run time):')
    lines.push('')
    for (const c of s.typeCycles) lines.push(`- ${c.join(' ↔ ')}`)
  }
  const broken = ruleViolations(s)
  lines.push('')
  lines.push('## Rules')
  lines.push('')
  if (broken.length === 0) lines.push('All layering rules hold.')
  for (const b of broken) lines.push(`- BROKEN: ${b}`)
  lines.push('')
  lines.push(`${s.files.length} source files, ${s.edges.length} imports.`)
  return lines.join('\n') + '\n'
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const args = new Set(process.argv.slice(2))
  const s = computeStructure()
  if (args.has('--json')) {
    process.stdout.write(JSON.stringify({ ...s, violations: ruleViolations(s) }) + '\n')
  } else {
    const text = renderStructure(s)
    process.stdout.write(text)
    if (!args.has('--check')) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true })
      writeFileSync(join(ROOT, 'docs', 'structure.md'), text)
      process.stderr.write('written: docs/structure.md\n')
    }
    if (args.has('--check') && ruleViolations(s).length > 0) process.exit(1)
  }
}
