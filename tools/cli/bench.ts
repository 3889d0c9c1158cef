// `ordo bench`: placeholder until its implementation lands (the gateway server and client library come next).

import { CommandError, parse, type Command } from './common.js'

const help = `Usage: ordo bench (not implemented yet in this build)`

export const benchCommand: Command = {
  name: 'bench',
  summary: '',
  help,
  async run(argv) {
    const { values } = parse('bench', argv, {})
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    throw new CommandError('NOT_IMPLEMENTED', 'ordo bench is not implemented yet in this build')
  },
}
