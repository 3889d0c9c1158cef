// Checks of G1-G5 on what publisher and subscriber processes recorded
// (test/gateway/procs/publisher.ts, subscriber.ts). Each returns a list of
// violations (empty when the guarantee holds), so a test can print them all.

export interface PublisherResult {
  tag: string
  publisher: string
  acks: [number, string][]
  failed: [number, string][]
  connections: number
}

/** [gsn, publisher, pseq, "group:gseq,...", payload] */
export type Rec = [number, number, number, string, string]

export interface SubscriberResult {
  groups: string[]
  records: Rec[]
  connections: number
  errors: number
}

function groupsOfPayload(payload: string): string[] {
  return payload.split(':')[2]!.split(',')
}

/**
 * G1-G4 over all subscribers: each stream strictly increasing in gsn (G2); each
 * gsn means the same message everywhere (G2, G1); per group, gseqs dense from
 * the first seen (G3, fromFirst = they must start at 1); per publisher, gsn
 * grows with its message index i (G4 FIFO); each (tag, i) has one gsn (G4
 * dedupe); and every acknowledged message reaches every subscriber whose groups
 * meet its groups, with its acknowledged gsn (completeness, G5 when there was a crash).
 */
export function checkStreams(pubs: PublisherResult[], subs: SubscriberResult[], opts: { gseqFromOne: boolean }): string[] {
  const v: string[] = []
  const byGsn = new Map<number, string>()
  const gsnOfMessage = new Map<string, number>()
  const ackedGsn = new Map<string, number>()
  for (const p of pubs) for (const [i, gsn] of p.acks) ackedGsn.set(`${p.tag}:${i}`, Number(gsn))
  for (const [si, s] of subs.entries()) {
    const mine = new Set(s.groups)
    let last = 0
    const lastGseq = new Map<string, number>()
    const seen = new Set<string>()
    const lastIndexOf = new Map<string, number>()
    for (const [gsn, publisher, pseq, gs, payload] of s.records) {
      if (gsn <= last) v.push(`sub ${si}: gsn ${gsn} after ${last} (G2 order)`)
      last = gsn
      const key = `${publisher}|${pseq}|${gs}|${payload}`
      const prev = byGsn.get(gsn)
      if (prev === undefined) byGsn.set(gsn, key)
      else if (prev !== key) v.push(`gsn ${gsn} differs between subscribers: ${prev} vs ${key} (G2/G1)`)
      const [tag, iText] = payload.split(':')
      const id = `${tag}:${iText}`
      if (seen.has(id)) v.push(`sub ${si}: message ${id} delivered twice (G1)`)
      seen.add(id)
      const g0 = gsnOfMessage.get(id)
      if (g0 === undefined) gsnOfMessage.set(id, gsn)
      else if (g0 !== gsn) v.push(`message ${id} has two gsns ${g0} and ${gsn} (G4 dedupe)`)
      const i = Number(iText)
      const li = lastIndexOf.get(tag!)
      if (li !== undefined && i <= li) v.push(`sub ${si}: publisher ${tag} message ${i} after ${li} (G4 FIFO)`)
      lastIndexOf.set(tag!, i)
      const groups = groupsOfPayload(payload)
      const stamped = gs.split(',').map((x) => x.split(':'))
      if (stamped.map((x) => x[0]).join(',') !== groups.join(',')) v.push(`sub ${si}: gsn ${gsn} groups ${gs} but published to ${groups.join(',')} (G1)`)
      if (!groups.some((g) => mine.has(g))) v.push(`sub ${si}: gsn ${gsn} to ${groups.join(',')} is not for ${s.groups.join(',')}`)
      for (const [g, q] of stamped) {
        if (!mine.has(g!)) continue
        const prevQ = lastGseq.get(g!)
        const want = prevQ === undefined ? (opts.gseqFromOne ? 1 : Number(q)) : prevQ + 1
        if (Number(q) !== want) v.push(`sub ${si}: group ${g} gseq ${q} where ${want} was due (G3 gap or repeat) at gsn ${gsn}`)
        lastGseq.set(g!, Number(q))
      }
      const acked = ackedGsn.get(id)
      if (acked !== undefined && acked !== gsn) v.push(`message ${id} acknowledged with gsn ${acked} but delivered as ${gsn} (G5)`)
    }
    for (const p of pubs) {
      for (const [i] of p.acks) {
        const id = `${p.tag}:${i}`
        if (!seen.has(id) && messageGroups(p, i).some((g) => mine.has(g))) v.push(`sub ${si}: acknowledged message ${id} never delivered (completeness)`)
      }
    }
  }
  return v.slice(0, 50)
}

/** Groups of publisher p's message i (the publisher cycles through its sets). */
let setsByTag = new Map<string, string[][]>()
export function registerSets(tag: string, sets: string[][]): void {
  setsByTag.set(tag, sets)
}
export function resetSets(): void {
  setsByTag = new Map()
}
function messageGroups(p: PublisherResult, i: number): string[] {
  const sets = setsByTag.get(p.tag)
  if (sets === undefined) throw new Error(`registerSets was not called for ${p.tag}`)
  return sets[i % sets.length]!
}

/** How many records a subscriber of `groups` must end with. */
export function expectedCount(pubs: PublisherResult[], groups: string[]): number {
  const mine = new Set(groups)
  let n = 0
  for (const p of pubs) for (const [i] of p.acks) if (messageGroups(p, i).some((g) => mine.has(g))) n++
  return n
}
