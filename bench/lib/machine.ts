// What machine a benchmark ran on, printed at the top of every result so figures from
// different machines are never compared by accident (figures on one VM vary ±20 % run to run).

import os from 'node:os'

/** One line: CPU model, cores, memory, Node version, OS. */
export function machineBanner(): string {
  const cpus = os.cpus()
  const model = cpus[0]?.model.trim() ?? 'unknown CPU'
  const cores = os.availableParallelism?.() ?? cpus.length
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1)
  return `machine: ${model}, ${cores} cores, ${memGiB} GiB, node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}`
}

/** Usable cores (what the OS lets this process run on). */
export function coreCount(): number {
  return os.availableParallelism?.() ?? os.cpus().length
}

/**
 * Warns on stderr when the topology needs more threads running at once than there are
 * cores: the figures then measure time-sharing as much as the code. Returns true if warned.
 */
export function warnIfFewCores(needed: number): boolean {
  const cores = coreCount()
  if (cores >= needed) return false
  process.stderr.write(
    `warning: this benchmark runs ${needed} busy threads on ${cores} cores; threads share cores, expect lower and noisier figures\n`,
  )
  return true
}
