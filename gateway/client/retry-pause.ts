// The pause before publishes the server refused with DISK_FULL / JOURNAL_IO (its journal
// cannot write) are sent again: the messages stay in flight and go out again with the
// same pseqs (what the server stored meanwhile is deduplicated) after 500 ms, doubling
// to 5 s while the refusals go on; the client's onError hears each episode once.
// No node: imports (browsers).

const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 5000

export class RetryPause {
  private timer: ReturnType<typeof setTimeout> | null = null
  private delayMs = 0

  constructor(
    /** Sends everything in flight again. */
    private readonly resend: () => void,
    /** Reports the refusal that starts an episode. */
    private readonly report: (err: Error) => void,
  ) {}

  /** A refusal of a message in flight: one resend is planned (none more while it waits). */
  refused(err: Error): void {
    if (this.timer !== null) return
    if (this.delayMs === 0) this.report(err)
    this.delayMs = Math.min(Math.max(RETRY_FIRST_MS, this.delayMs * 2), RETRY_MAX_MS)
    this.timer = setTimeout(() => {
      this.timer = null
      this.resend()
    }, this.delayMs)
  }

  /** The server acknowledged publishes again: a later episode starts from the first pause. */
  taken(): void {
    this.delayMs = 0
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
