// `ordo start`: placeholder until its implementation lands (the gateway server and client library come next).

import { CommandError, parse, type Command } from './common.js'

const help = `Usage: ordo start (not implemented yet in this build)`

export const startCommand: Command = {
  name: 'start',
  summary: '',
  help,
  async run(argv) {
    const { values } = parse('start', argv, {})
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    throw new CommandError('NOT_IMPLEMENTED', 'ordo start is not implemented yet in this build')
  },
}
