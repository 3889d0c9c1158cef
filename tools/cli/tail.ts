// `ordo tail`: placeholder until its implementation lands (the gateway server and client library come next).

import { CommandError, parse, type Command } from './common.js'

const help = `Usage: ordo tail (not implemented yet in this build)`

export const tailCommand: Command = {
  name: 'tail',
  summary: '',
  help,
  async run(argv) {
    const { values } = parse('tail', argv, {})
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    throw new CommandError('NOT_IMPLEMENTED', 'ordo tail is not implemented yet in this build')
  },
}
