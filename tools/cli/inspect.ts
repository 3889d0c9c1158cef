// `ordo inspect`: placeholder until its implementation lands (the gateway server and client library come next).

import { CommandError, parse, type Command } from './common.js'

const help = `Usage: ordo inspect (not implemented yet in this build)`

export const inspectCommand: Command = {
  name: 'inspect',
  summary: '',
  help,
  async run(argv) {
    const { values } = parse('inspect', argv, {})
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    throw new CommandError('NOT_IMPLEMENTED', 'ordo inspect is not implemented yet in this build')
  },
}
