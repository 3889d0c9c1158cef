// Every `ordo start` flag can also come from the environment, as ORDO_ plus the
// flag's name in upper case with '-' as '_' (--max-payload: ORDO_MAX_PAYLOAD), the
// way containers and systemd units configure services. A flag on the command line
// wins over the variable. Boolean flags take 1/true/yes or 0/false/no.

import { parse, UsageError } from './common.js'

export interface FlagSpec {
  type: 'string' | 'boolean'
  /** One line of --help. */
  help: string
  /** Shown as the value placeholder in --help. */
  arg?: string
}

export function envName(flag: string): string {
  return `ORDO_${flag.toUpperCase().replace(/-/g, '_')}`
}

/** Fills values missing from the command line with their environment variables. */
export function withEnvironment(
  specs: Readonly<Record<string, FlagSpec>>,
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | boolean | undefined> {
  const out: Record<string, string | boolean | undefined> = { ...values }
  for (const [flag, spec] of Object.entries(specs)) {
    if (out[flag] !== undefined) continue
    const v = env[envName(flag)]
    if (v === undefined || v === '') continue
    if (spec.type === 'string') out[flag] = v
    else if (/^(1|true|yes|on)$/i.test(v)) out[flag] = true
    else if (/^(0|false|no|off)$/i.test(v)) out[flag] = false
    else throw new UsageError(`bad value in the environment: ${envName(flag)}=${JSON.stringify(v)} (1/true/yes or 0/false/no)`)
  }
  return out
}

/** The options part of --help: flag, environment variable, description. */
export function flagHelp(specs: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(specs).map(([flag, s]) => [`--${flag}${s.arg !== undefined ? ' ' + s.arg : ''}`, envName(flag), s.help] as const)
  const w1 = Math.max(...rows.map((r) => r[0].length))
  const w2 = Math.max(...rows.map((r) => r[1].length))
  return rows
    .map(([f, e, h]) => {
      const [first, ...rest] = h.split('\n')
      return [`  ${f.padEnd(w1)}  ${e.padEnd(w2)}  ${first}`, ...rest.map((l) => `  ${''.padEnd(w1)}  ${''.padEnd(w2)}  ${l}`)].join('\n')
    })
    .join('\n')
}

export interface FlagValues<K extends string> {
  /** What the command line gave (before the environment). */
  readonly given: Readonly<Record<string, string | boolean | undefined>>
  /** The command line, else the environment. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>
  /** A string flag's value (command line, else environment). */
  str(flag: K): string | undefined
}

/** Parses a command's flags and fills the missing ones from the environment; null when --help was asked (and printed). */
export function parseFlags<K extends string>(command: string, argv: string[], specs: Readonly<Record<K, FlagSpec>>, help: string): FlagValues<K> | null {
  const parsed = parse(command, argv, specs as never, false)
  const given = parsed.values as Record<string, string | boolean | undefined>
  if (given.help === true) {
    process.stdout.write(help + '\n')
    return null
  }
  const values = withEnvironment(specs, given)
  return { given, values, str: (flag) => values[flag] as string | undefined }
}
