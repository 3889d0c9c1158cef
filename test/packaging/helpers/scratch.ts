// Packs the server package and the client package (tools/build-client.mjs)
// into a temporary directory and installs each tarball into a scratch app of
// its own, as a user would: npm install of the local tarball, preferring
// npm's cache (the registry is asked only for what the cache lacks).
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))

export interface Packed {
  tarball: string
  unpackedSize: number
  size: number
  files: string[]
}

function run(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } })
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

export function log(line: string): void {
  process.stderr.write(`packaging: ${line}\n`)
}

/**
 * The server package as `npm pack` makes it, prepack included, without touching this
 * checkout: the files npm would ship are copied to a staging directory, the prepack
 * steps (tools/strip-comments.mjs, tools/prune-declarations.mjs) run there, and the
 * stage is packed.
 */
export function packServer(dest: string): Packed {
  const listing = run('npm', ['pack', repoRoot, '--dry-run', '--ignore-scripts', '--json'], repoRoot, 'npm pack --dry-run')
  const stage = join(dest, 'server-stage')
  for (const f of (JSON.parse(listing) as { files: { path: string }[] }[])[0]!.files) {
    mkdirSync(dirname(join(stage, f.path)), { recursive: true })
    copyFileSync(join(repoRoot, f.path), join(stage, f.path))
  }
  run(process.execPath, [join(repoRoot, 'tools', 'strip-comments.mjs'), '--root', stage], repoRoot, 'prepack (strip-comments)')
  run(process.execPath, [join(repoRoot, 'tools', 'prune-declarations.mjs'), '--root', stage], repoRoot, 'prepack (prune-declarations)')
  return pack(stage, dest)
}

/** npm pack of a package directory (no lifecycle scripts: the tree is already built). */
export function pack(dir: string, dest: string): Packed {
  const out = run('npm', ['pack', dir, '--ignore-scripts', '--json', '--pack-destination', dest], repoRoot, `npm pack ${dir}`)
  const j = (JSON.parse(out) as { filename: string; unpackedSize: number; size: number; files: { path: string }[] }[])[0]!
  return { tarball: join(dest, j.filename), unpackedSize: j.unpackedSize, size: j.size, files: j.files.map((f) => f.path) }
}

export function buildClientPackage(out: string): void {
  run(process.execPath, [join(repoRoot, 'tools', 'build-client.mjs'), '--out', out], repoRoot, 'build-client')
}

/** A scratch app (type: module) with the given packages installed. */
export function scratchApp(dir: string, installs: string[]): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch-app', version: '1.0.0', private: true, type: 'module' }, null, 2))
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...installs], dir, `npm install in ${dir}`)
}

/** Every file under dir (relative paths). */
export function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, base, out)
    else out.push(p.slice(base.length + 1))
  }
  return out
}

/** Compiles a TypeScript project with the repository's tsc; returns the diagnostics ('' when clean). */
export function tsc(project: string): string {
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8', timeout: 120_000 })
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`
}
