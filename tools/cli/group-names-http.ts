// Names of group ids, looked up over HTTP (GET /api/groups?ids=...) on the same
// port as the WebSocket: a message can name groups its reader never resolved
// (it subscribed to `orders`, the message also went to `audit`). A Deliver frame
// carries only the groups the token may subscribe to (the others are left out by
// the server), and the server names only groups the token may publish or
// subscribe to; an id it does not name (say, a group of an older token) is
// printed as #id.

export function httpBaseOf(wsUrl: string): string {
  const u = new URL(wsUrl)
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:'
  u.pathname = '/'
  u.search = ''
  u.hash = ''
  return u.toString().replace(/\/$/, '')
}

export class GroupNameLookup {
  private readonly names = new Map<number, string>()
  /** Ids asked for and not visible to this token (not asked again). */
  private readonly hidden = new Set<number>()

  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
  ) {}

  known(id: number): string | undefined {
    return this.names.get(id)
  }

  remember(id: number, name: string): void {
    this.names.set(id, name)
  }

  /** Whether looking up `id` could still give a name. */
  worthAsking(id: number): boolean {
    return !this.names.has(id) && !this.hidden.has(id)
  }

  /** Looks the ids up (one request); ids the server does not name are marked hidden. */
  async lookup(ids: readonly number[]): Promise<void> {
    const ask = ids.filter((id) => this.worthAsking(id))
    if (ask.length === 0) return
    try {
      const r = await fetch(`${this.base}/api/groups?limit=1000&ids=${ask.join(',')}`, {
        headers: this.token !== undefined && this.token !== '' ? { authorization: `Bearer ${this.token}` } : {},
        signal: AbortSignal.timeout(5000),
      })
      if (r.ok) {
        const page = (await r.json()) as { items: { id: number; name: string }[] }
        for (const g of page.items) this.names.set(g.id, g.name)
      }
    } catch {
      // No HTTP on this URL (a proxy that forwards only WebSocket): print ids.
    }
    for (const id of ask) if (!this.names.has(id)) this.hidden.add(id)
  }
}
