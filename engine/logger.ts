// The logger the engine and the gateway write to: the subset of pino's API they
// use, so an embedder can pass a pino logger (or anything with these four
// methods) and a caller that passes nothing gets silence. Each call takes an
// object of fields first (event name, ids, figures) and a message second, and
// never a token or a secret: callers name who is acting by the token's subject.

export interface Logger {
  error(fields: object, message?: string): void
  warn(fields: object, message?: string): void
  info(fields: object, message?: string): void
  debug(fields: object, message?: string): void
}

const nothing = (): void => {}

/** The default: logs nothing. */
export const SILENT_LOGGER: Logger = Object.freeze({ error: nothing, warn: nothing, info: nothing, debug: nothing })
