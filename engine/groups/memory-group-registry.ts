// Group registry for memory mode (no data directory): same contract as
// group-registry.ts (ids from 1, never reused) for the life of the process.

import { validateGroupName } from './validate-group-name.js'

export class MemoryGroupRegistry {
  private readonly ids = new Map<string, number>()
  private readonly names: string[] = []

  get size(): number {
    return this.names.length
  }
  idOf(name: string): number {
    return this.ids.get(name) ?? -1
  }
  nameOf(id: number): string | undefined {
    return this.names[id - 1]
  }
  resolve(names: readonly string[], create: boolean): number[] {
    const out: number[] = []
    names.forEach((n, i) => validateGroupName(n, i))
    for (const n of names) {
      let id = this.ids.get(n)
      if (id === undefined && create) {
        this.names.push(n)
        id = this.names.length
        this.ids.set(n, id)
      }
      out.push(id ?? -1)
    }
    return out
  }
  list(): Array<[string, number]> {
    return [...this.ids.entries()]
  }
  close(): void {}
}
