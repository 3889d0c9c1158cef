// Seeded PRNG for the codec's randomized tests (mulberry32): reproducible from
// the seed each test prints when it fails.

export class Prng {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform u32. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n)
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff
    return out
  }
}

/** Seed from ORDO_TEST_SEED when set (to replay a failure), else random. */
export function testSeed(): number {
  const env = process.env['ORDO_TEST_SEED']
  return env !== undefined ? Number(env) >>> 0 : (Math.random() * 2 ** 32) >>> 0
}
