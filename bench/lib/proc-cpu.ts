// CPU time of processes and of the whole machine, from /proc (Linux), for benchmarks that
// say where the cores went.

import { readFileSync } from 'node:fs'

/** User + system CPU seconds of process `pid` so far (/proc/<pid>/stat fields 14-15, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

/** Busy and idle (idle + iowait) CPU seconds of the whole machine so far, summed over cores (/proc/stat). */
export function machineCpu(): { busy: number; idle: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const t = line.trim().split(/\s+/).slice(1, 9).map(Number)
  const idle = t[3]! + t[4]!
  const total = t.reduce((a, b) => a + b, 0)
  return { busy: (total - idle) / 100, idle: idle / 100 }
}

/** CPU seconds each named process and the machine spend while `run` runs. */
export async function cpuDuring<T>(pids: ReadonlyArray<readonly [string, number]>, run: () => Promise<T>): Promise<{ result: T; seconds: number; perProcess: Array<[string, number]>; machineBusy: number; machineIdle: number }> {
  const before = pids.map(([, pid]) => cpuSeconds(pid))
  const m0 = machineCpu()
  const t0 = performance.now()
  const result = await run()
  const seconds = (performance.now() - t0) / 1000
  const m1 = machineCpu()
  const perProcess = pids.map(([name, pid], i): [string, number] => [name, cpuSeconds(pid) - before[i]!])
  return { result, seconds, perProcess, machineBusy: m1.busy - m0.busy, machineIdle: m1.idle - m0.idle }
}
