// A minimal Redis client (RESP2 over node:net) for the Redis Streams comparison.
//
// Why not ioredis: it is not installed and this project adds no dependencies for a benchmark peer. What the
// comparison needs is small: send many commands in one write (pipelining, as Redis's documentation recommends
// for throughput) and read the replies in order. This client does exactly that and nothing else: no reconnects,
// no cluster, no pub/sub, no RESP3.
//
// Wire format (RESP2), requests are always arrays of bulk strings:
//   *<argc>\r\n  then per argument  $<len>\r\n<bytes>\r\n
// Replies:  +simple\r\n   -error\r\n   :integer\r\n   $<len>\r\n<bytes>\r\n ($-1 = null)   *<n>\r\n<n replies> (*-1 = null)
//
// Redis answers commands on one connection strictly in the order sent, so a FIFO of waiters is enough to match
// replies to requests. A blocking command (XREAD BLOCK) holds its connection: give readers their own client.

import { createConnection, type Socket } from 'node:net'

export type RespValue = string | number | Buffer | null | RespReplyError | RespValue[]
export type RespArg = string | number | Buffer

/** An error reply (`-ERR ...`). Inside a pipeline it is returned in place; `command()` rejects with it. */
export class RespReplyError extends Error {
  readonly code = 'RESP_REPLY_ERROR' as const
  constructor(message: string) {
    super(message)
    this.name = 'RespReplyError'
  }
}

export class RespProtocolError extends Error {
  readonly code = 'RESP_PROTOCOL_ERROR' as const
  constructor(message: string) {
    super(message)
    this.name = 'RespProtocolError'
  }
}

const CR = 13
const INCOMPLETE = Symbol('incomplete')

interface Waiter {
  /** Replies still expected for this waiter (1 for command(), n for pipeline()). */
  remaining: number
  replies: RespValue[]
  resolve(values: RespValue[]): void
  reject(err: Error): void
}

export class RespClient {
  private readonly socket: Socket
  private readonly waiters: Waiter[] = []
  private waiterHead = 0
  /** Unparsed reply bytes; a reply may span many 'data' chunks (an XREAD of 1000 entries is ~130 KB). */
  private pending: Buffer = Buffer.alloc(0)
  private pos = 0
  private out: Buffer = Buffer.allocUnsafe(64 * 1024)
  private outLen = 0
  private closedError: Error | null = null

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (err) => this.failAll(err))
    socket.on('close', () => this.failAll(new Error('redis connection closed')))
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RespClient(socket))
      })
    })
  }

  /** One command; rejects with RespReplyError on an error reply. */
  async command(args: readonly RespArg[]): Promise<RespValue> {
    const [reply] = await this.pipeline([args])
    if (reply instanceof RespReplyError) throw reply
    return reply as RespValue
  }

  /** Sends all commands in one socket write; resolves with their replies in order (error replies in place). */
  pipeline(commands: readonly (readonly RespArg[])[]): Promise<RespValue[]> {
    if (this.closedError !== null) return Promise.reject(this.closedError)
    this.outLen = 0
    for (const args of commands) this.encode(args)
    return new Promise((resolve, reject) => {
      this.waiters.push({ remaining: commands.length, replies: [], resolve, reject })
      // Copy out: the socket may hold the buffer until it drains, and `out` is reused by the next call.
      this.socket.write(Buffer.from(this.out.subarray(0, this.outLen)))
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve()
      this.socket.once('close', () => resolve())
      this.socket.end()
    })
  }

  private ensureOut(extra: number): void {
    if (this.outLen + extra <= this.out.length) return
    let size = this.out.length * 2
    while (size < this.outLen + extra) size *= 2
    const bigger = Buffer.allocUnsafe(size)
    this.out.copy(bigger, 0, 0, this.outLen)
    this.out = bigger
  }

  private writeAscii(s: string): void {
    this.ensureOut(s.length)
    this.outLen += this.out.write(s, this.outLen, 'latin1')
  }

  private encode(args: readonly RespArg[]): void {
    this.writeAscii(`*${args.length}\r\n`)
    for (const a of args) {
      // Strings are encoded straight into `out` (no temporary Buffer per argument): the client's own cost is
      // part of the peer's measured rate on a 2-core machine, so keep it small.
      if (Buffer.isBuffer(a)) {
        this.writeAscii(`$${a.length}\r\n`)
        this.ensureOut(a.length + 2)
        a.copy(this.out, this.outLen)
        this.outLen += a.length
      } else {
        const str = typeof a === 'number' ? String(a) : a
        const len = Buffer.byteLength(str, 'utf8')
        this.writeAscii(`$${len}\r\n`)
        this.ensureOut(len + 2)
        this.outLen += this.out.write(str, this.outLen, 'utf8')
      }
      this.out[this.outLen++] = CR
      this.out[this.outLen++] = 10
    }
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pos < this.pending.length ? Buffer.concat([this.pending.subarray(this.pos), chunk]) : chunk
    this.pos = 0
    for (;;) {
      const start = this.pos
      let value: RespValue | typeof INCOMPLETE
      try {
        value = this.parse()
      } catch (err) {
        this.failAll(err as Error)
        this.socket.destroy()
        return
      }
      if (value === INCOMPLETE) {
        this.pos = start // re-parse this reply from its start once more bytes arrive
        return
      }
      this.deliver(value)
    }
  }

  private deliver(value: RespValue): void {
    const w = this.waiters[this.waiterHead]
    if (w === undefined) {
      this.failAll(new RespProtocolError(`reply with no request waiting: pending=${this.waiters.length - this.waiterHead}`))
      return
    }
    w.replies.push(value)
    if (--w.remaining > 0) return
    this.waiterHead++
    if (this.waiterHead > 1024 && this.waiterHead * 2 > this.waiters.length) {
      this.waiters.splice(0, this.waiterHead)
      this.waiterHead = 0
    }
    w.resolve(w.replies)
  }

  /** Index of the CR ending the line that starts at `from`, or -1 if the line is not complete yet. */
  private lineEnd(from: number): number {
    const i = this.pending.indexOf(CR, from)
    return i < 0 || i + 1 >= this.pending.length ? -1 : i
  }

  private parse(): RespValue | typeof INCOMPLETE {
    const buf = this.pending
    if (this.pos >= buf.length) return INCOMPLETE
    const type = buf[this.pos]
    const end = this.lineEnd(this.pos + 1)
    if (end < 0) return INCOMPLETE
    const line = buf.toString('latin1', this.pos + 1, end)
    this.pos = end + 2
    switch (type) {
      case 0x2b: // '+'
        return line
      case 0x2d: // '-'
        return new RespReplyError(line)
      case 0x3a: // ':'
        return Number(line)
      case 0x24: { // '$'
        const len = Number(line)
        if (len < 0) return null
        if (this.pos + len + 2 > buf.length) return INCOMPLETE
        const value = buf.subarray(this.pos, this.pos + len)
        this.pos += len + 2
        return value
      }
      case 0x2a: { // '*'
        const n = Number(line)
        if (n < 0) return null
        const items: RespValue[] = new Array(n)
        for (let i = 0; i < n; i++) {
          const item = this.parse()
          if (item === INCOMPLETE) return INCOMPLETE
          items[i] = item
        }
        return items
      }
      default:
        throw new RespProtocolError(`unknown reply type: byte=${type}, offset=${this.pos}`)
    }
  }

  private failAll(err: Error): void {
    if (this.closedError === null) this.closedError = err
    const waiting = this.waiters.slice(this.waiterHead)
    this.waiters.length = 0
    this.waiterHead = 0
    for (const w of waiting) w.reject(err)
  }
}
