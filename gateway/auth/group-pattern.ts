// Group name patterns in tokens, NATS-style: a pattern is a group name cut into
// dot-separated segments, where `*` stands for exactly one segment and a final
// `>` for one or more trailing segments. `orders.*` matches `orders.eu` but not
// `orders` or `orders.eu.x`; `orders.>` matches both `orders.eu` and
// `orders.eu.x`; `>` alone matches every name.
//
// Wildcards stand for non-empty segments only, `*` and `>` alike: a name with an
// empty segment (`orders.`, `.x`, `a..b`, valid group names all the same) is
// matched by no wildcard, and by no literal pattern either (patterns have no
// empty segments). Such names can be used in open mode only.
//
// Patterns are compiled once per token (not per message): matching splits the
// name and walks the segments, and the per-connection cache
// (gateway/auth/group-access.ts) makes it once per group id per connection.

import { AuthError } from './auth-errors.js'

const SEGMENT = /^[A-Za-z0-9_-]+$/

export class GroupPattern {
  private readonly segments: readonly string[]
  private readonly tail: boolean

  private constructor(readonly source: string, segments: string[], tail: boolean) {
    this.segments = segments
    this.tail = tail
  }

  /** Compiles a pattern; throws AuthError (BAD_PATTERN) when it is not one. */
  static compile(source: string): GroupPattern {
    if (typeof source !== 'string' || source.length === 0 || source.length > 255) {
      throw new AuthError('BAD_PATTERN', `bad group pattern: pattern=${JSON.stringify(source)}, reason=length must be 1-255`)
    }
    const parts = source.split('.')
    let tail = false
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!
      if (p === '>') {
        if (i !== parts.length - 1) {
          throw new AuthError('BAD_PATTERN', `bad group pattern: pattern=${JSON.stringify(source)}, reason='>' must be the last segment`)
        }
        tail = true
      } else if (p !== '*' && !SEGMENT.test(p)) {
        throw new AuthError('BAD_PATTERN', `bad group pattern: pattern=${JSON.stringify(source)}, segment=${JSON.stringify(p)}`)
      }
    }
    if (tail) parts.pop()
    return new GroupPattern(source, parts, tail)
  }

  matches(name: string): boolean {
    const parts = name.split('.')
    const n = this.segments.length
    if (this.tail ? parts.length <= n : parts.length !== n) return false
    for (let i = 0; i < n; i++) {
      const s = this.segments[i]!
      if (s === '*') {
        if (parts[i]!.length === 0) return false
      } else if (s !== parts[i]) {
        return false
      }
    }
    // The segments a final '>' covers must be non-empty too, as '*' requires.
    for (let i = n; i < parts.length; i++) if (parts[i]!.length === 0) return false
    return true
  }
}

/** A list of patterns: a name is allowed when any of them matches. */
export class PatternSet {
  private readonly patterns: readonly GroupPattern[]
  readonly matchesAll: boolean

  constructor(sources: readonly string[]) {
    this.patterns = sources.map((s) => GroupPattern.compile(s))
    this.matchesAll = sources.includes('>')
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0
  }

  matches(name: string): boolean {
    if (this.matchesAll) return !hasEmptySegment(name)
    for (const p of this.patterns) if (p.matches(name)) return true
    return false
  }

  get sources(): string[] {
    return this.patterns.map((p) => p.source)
  }
}

/** Whether a name has an empty dot-separated segment (no wildcard stands for one). */
function hasEmptySegment(name: string): boolean {
  return name.length === 0 || name.charCodeAt(0) === 0x2e || name.charCodeAt(name.length - 1) === 0x2e || name.includes('..')
}
