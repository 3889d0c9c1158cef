// Sampling allocation profile of this thread through the inspector, collected objects
// included (what a short-lived-garbage hunt needs; --heap-prof keeps only live ones).
// Written as a .heapprofile (Chrome DevTools' Memory tab opens it).

import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'

export class HeapSampler {
  private session: Session | null = null

  async start(): Promise<void> {
    if (this.session !== null) return
    const s = new Session()
    s.connect()
    await s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
    this.session = s
  }

  async stop(file: string): Promise<void> {
    const s = this.session
    if (s === null) return
    this.session = null
    const { profile } = await s.post('HeapProfiler.stopSampling')
    writeFileSync(file, JSON.stringify(profile))
    s.disconnect()
  }
}
