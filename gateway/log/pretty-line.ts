// One JSON log record (as pino writes it) as a readable terminal line:
//
//   2026-12-04 19:04:05.123 INFO  listening on ws://127.0.0.1:7070/  port=7070 host=127.0.0.1
//
// Time, level and message first, then the other fields as key=value (strings
// with spaces quoted). pid and hostname are left out: one terminal, one process.

const LEVEL_COLOR: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[41m\x1b[97m',
}
const DIM = '\x1b[2m'
const RESET = '\x1b[0m'
const SKIP = new Set(['time', 'level', 'msg', 'pid', 'hostname'])

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v)
  return JSON.stringify(v)
}

export function prettyLine(json: string, color: boolean): string {
  let r: Record<string, unknown>
  try {
    r = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : json + '\n'
  }
  const time = typeof r.time === 'string' ? r.time.replace('T', ' ').replace(/Z$/, '') : ''
  const level = String(r.level ?? 'info')
  const tag = level.toUpperCase().padEnd(5)
  const fields: string[] = []
  for (const [k, v] of Object.entries(r)) if (!SKIP.has(k) && v !== undefined) fields.push(`${k}=${value(v)}`)
  const msg = typeof r.msg === 'string' ? r.msg : ''
  const tail = fields.length > 0 ? `  ${color ? DIM : ''}${fields.join(' ')}${color ? RESET : ''}` : ''
  const lvl = color ? `${LEVEL_COLOR[level] ?? ''}${tag}${RESET}` : tag
  return `${time} ${lvl} ${msg}${tail}\n`
}
