// The server's logger: pino, with ISO timestamps and level names, writing JSON
// lines when stdout is not a terminal (for log shippers and jq) and readable
// one-line text when it is (gateway/log/pretty-line.ts). Fields that could hold
// a credential (token, secret, authorization) are censored wherever they
// appear, as a second line of defence: the code never logs one on purpose.

import { pino, type DestinationStream } from 'pino'
import type { Logger } from '../../engine/logger.js'
import { prettyLine } from './pretty-line.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface CreateLoggerOptions {
  /** Lowest level written. Default info. */
  level?: LogLevel
  /** json, pretty, or auto (pretty when the output is a terminal). Default auto. */
  format?: LogFormat
  /** Where lines go. Default: standard output. */
  output?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean }
  /** Colours in pretty lines. Default: when the output is a terminal. */
  color?: boolean
}

/**
 * What createLogger returns: the engine's Logger plus fatal (a pino logger underneath).
 * Declared here so ordo's own declarations do not reach into pino's, which compile only
 * with esModuleInterop and so would break an embedder on moduleResolution node.
 */
export interface ServerLogger extends Logger {
  fatal(fields: object, message?: string): void
}

/** Field names censored at any depth of a log record. */
export const CENSORED_FIELDS = ['token', 'secret', 'authorization', 'password'] as const

const REDACT_PATHS = CENSORED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`])

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s)
}

export function isLogFormat(s: string): s is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(s)
}

/** A pino logger with ordo's conventions (see the file comment). */
export function createLogger(options: CreateLoggerOptions = {}): ServerLogger {
  const out = options.output ?? process.stdout
  const tty = out.isTTY === true
  const format = options.format ?? 'auto'
  const pretty = format === 'pretty' || (format === 'auto' && tty)
  const color = options.color ?? (pretty && tty)
  const destination: DestinationStream = pretty
    ? { write: (line: string) => void out.write(prettyLine(line, color)) }
    : { write: (line: string) => void out.write(line) }
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[censored]' },
    },
    destination,
  )
}
