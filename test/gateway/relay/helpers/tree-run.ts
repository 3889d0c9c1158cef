// Publisher and subscriber processes (test/gateway/procs) spread over the
// servers of a relay tree: each subscriber and publisher names its own URL(s).
// Returns what they recorded and the G1-G4 + completeness violations
// (test/gateway/helpers/stream-check.ts) over all of them.
import { Proc } from '../../helpers/proc.js'
import { checkStreams, expectedCount, registerSets, resetSets, type PublisherResult, type SubscriberResult } from '../../helpers/stream-check.js'

export interface TreeSubscriber {
  urls: string[]
  groups: string[]
}

export interface TreePublisher {
  urls: string[]
  tag: string
  sets: string[][]
}

export interface TreeRunOptions {
  subscribers: TreeSubscriber[]
  publishers: TreePublisher[]
  count: number
  paceEvery: number
  /** Runs once every publisher is publishing (kills, restarts); `acked(n)` waits until each has n acknowledgements (n a multiple of 500). */
  during?: (run: { acked(n: number): Promise<void> }) => Promise<void>
  timeoutMs: number
}

export async function runTree(o: TreeRunOptions): Promise<{ pubs: PublisherResult[]; subs: SubscriberResult[]; violations: string[] }> {
  resetSets()
  const all = [...new Set(o.subscribers.flatMap((s) => s.groups).concat(o.publishers.flatMap((p) => p.sets.flat())))].join(',')
  const subs = o.subscribers.map((s, i) => new Proc('subscriber', [s.urls.join(','), s.groups.join(','), '0', String(100 + i), all]))
  const pubs: Proc[] = []
  try {
    for (const s of subs) await s.waitLine((l) => l === 'subscribed', 60_000, 'subscribed')
    for (const p of o.publishers) {
      registerSets(p.tag, p.sets)
      pubs.push(new Proc('publisher', [p.urls.join(','), p.tag, p.sets.map((s) => s.join(',')).join(';'), String(o.count), '0', String(o.paceEvery), String(p.tag.charCodeAt(0))]))
    }
    for (const p of pubs) await p.waitLine((l) => l.startsWith('started '), 60_000, 'publisher started')
    const acked = async (n: number): Promise<void> => {
      for (const p of pubs) await p.waitLine((l) => l.startsWith('acked ') && Number(l.slice(6)) >= n, o.timeoutMs, `${n} acknowledgements`)
    }
    if (o.during !== undefined) await o.during({ acked })
    const pubResults = await Promise.all(pubs.map((p) => p.result<PublisherResult>(o.timeoutMs)))
    const subResults = await Promise.all(
      subs.map((s, i) => {
        s.send(`expect ${expectedCount(pubResults, o.subscribers[i]!.groups)}`)
        return s.result<SubscriberResult>(o.timeoutMs)
      }),
    )
    return { pubs: pubResults, subs: subResults, violations: checkStreams(pubResults, subResults, { gseqFromOne: true }) }
  } finally {
    for (const p of [...pubs, ...subs]) p.kill()
  }
}
