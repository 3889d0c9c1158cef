// Shared pieces of the `ordo` commands: argument parsing with clear errors,
// durations, and the command interface the dispatcher (tools/cli.ts) calls.

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { OrdoBaseError } from '../../codec/ordo-error.js'

/** A mistake of the user (bad option, missing argument): printed without a stack, exit code 2. */
export class UsageError extends OrdoBaseError {
  constructor(message: string) {
    super('USAGE', message)
    this.name = 'UsageError'
  }
}

/** A failure while running a command (cannot connect, server refused...): printed without a stack, exit code 1. */
export class CommandError extends OrdoBaseError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'CommandError'
  }
}

export interface Command {
  readonly name: string
  /** One line for `ordo --help`. */
  readonly summary: string
  /** Full text for `ordo <name> --help`. */
  readonly help: string
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>
}

type Options = NonNullable<ParseArgsConfig['options']>

/** The parsed values of an option spec (what parseArgs returns, named so declarations can be emitted). */
export type OptionValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'string'; multiple: true }
    ? string[]
    : O[K] extends { type: 'string' }
      ? string
      : O[K] extends { multiple: true }
        ? boolean[]
        : boolean
} & { help?: boolean }

export interface Parsed<O extends Options> {
  values: OptionValues<O>
  positionals: string[]
}

/** parseArgs with `--help` built in and errors turned into UsageError naming the command. */
export function parse<O extends Options>(command: string, argv: string[], options: O, allowPositionals = true): Parsed<O> {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true })
    return { values: r.values as OptionValues<O>, positionals: r.positionals }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    throw new UsageError(`ordo ${command}: ${msg} (see: ordo ${command} --help)`)
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses `500ms`, `30s`, `15m`, `1h`, `7d` (or a bare number of seconds) into milliseconds. */
export function parseDuration(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim())
  if (m === null) throw new UsageError(`bad duration: ${option}=${JSON.stringify(text)} (examples: 500ms, 30s, 15m, 1h, 7d)`)
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!)
}

/** Parses an integer option within [min, max]. */
export function parseInteger(option: string, text: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`bad number: ${option}=${JSON.stringify(text)} (an integer is expected)`)
  const n = Number(text)
  if (n < min || n > max) throw new UsageError(`out of range: ${option}=${n} (allowed ${min}..${max})`)
  return n
}

/** Splits `a,b c` style group lists (commas and/or repeated arguments). */
export function splitGroups(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** Default WebSocket URL of a local server, or ORDO_URL. */
export function defaultUrl(): string {
  return process.env.ORDO_URL ?? 'ws://127.0.0.1:7070/'
}

/**
 * The URLs of `--url a,b,c` (or ORDO_URL): the nodes of a cluster or standby servers. The client keeps one
 * connection, tries them in turn and moves to the leader when it publishes.
 */
export function splitUrls(option: string, list: string): string[] {
  const urls = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  if (urls.length === 0) throw new UsageError(`no URL in ${option}=${JSON.stringify(list)} (e.g. ws://127.0.0.1:7070/ or ws://a:7070/,ws://b:7070/)`)
  for (const u of urls) {
    if (!URL.canParse(u) || !/^(wss?|https?):$/.test(new URL(u).protocol)) throw new UsageError(`not a WebSocket URL in ${option}: ${JSON.stringify(u)} (ws://host:port/ or wss://...)`)
  }
  return urls
}

export function stderr(line: string): void {
  process.stderr.write(line + '\n')
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
}

/** Parses `1048576`, `512MiB`, `10GB`, `1.5GiB` into bytes. */
export function parseBytes(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim())
  const unit = m === null ? undefined : BYTE_UNITS[m[2]!.toLowerCase()]
  if (m === null || unit === undefined) throw new UsageError(`bad size: ${option}=${JSON.stringify(text)} (examples: 1048576, 512MiB, 10GiB, 2GB)`)
  const n = Math.round(Number(m[1]) * unit)
  if (n < 1) throw new UsageError(`bad size: ${option}=${JSON.stringify(text)} (at least 1 byte)`)
  return n
}
