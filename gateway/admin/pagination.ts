// Pages of a list for the admin API: items in a stable order, `limit` at a time,
// `cursor` = the key of the last item of the previous page (opaque to clients:
// they pass back what `nextCursor` said). Keys only grow (connection ids, group
// ids are never reused), so a page never repeats or skips an item that existed
// when the first page was read, whatever connects or closes in between.

import { OrdoBaseError } from '../../codec/ordo-error.js'
import { ErrorCode } from '../../codec/error-codes.js'

export interface Page<T> {
  items: T[]
  /** Pass as ?cursor= for the next page; null on the last page. */
  nextCursor: string | null
  /** Items matching the filters, over all pages. */
  total: number
}

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

export class BadQueryError extends OrdoBaseError {
  declare readonly code: 'BAD_REQUEST'
  constructor(message: string) {
    super('BAD_REQUEST', message, { wireCode: ErrorCode.BAD_REQUEST })
    this.name = 'BadQueryError'
  }
}

/** ?limit= as a number in 1..MAX_LIMIT (default DEFAULT_LIMIT). */
export function parseLimit(text: string | null): number {
  if (text === null || text === '') return DEFAULT_LIMIT
  if (!/^\d+$/.test(text)) throw new BadQueryError(`bad limit: limit=${JSON.stringify(text)} (an integer 1..${MAX_LIMIT})`)
  const n = Number(text)
  if (n < 1 || n > MAX_LIMIT) throw new BadQueryError(`limit out of range: limit=${n}, allowed=1..${MAX_LIMIT}`)
  return n
}

/**
 * One page of `sorted` (ascending by key): items with key > cursor. Keys are
 * compared as strings of fixed-width numbers made by `key`.
 */
export function paginate<T>(sorted: readonly T[], key: (t: T) => string, limit: number, cursor: string | null): Page<T> {
  let start = 0
  if (cursor !== null && cursor !== '') {
    while (start < sorted.length && key(sorted[start]!) <= cursor) start++
  }
  const items = sorted.slice(start, start + limit)
  const more = start + limit < sorted.length
  return { items, nextCursor: more && items.length > 0 ? key(items[items.length - 1]!) : null, total: sorted.length }
}

/** A fixed-width key for ids, so string order is numeric order. */
export function idKey(...ids: number[]): string {
  return ids.map((n) => String(n).padStart(16, '0')).join('.')
}
