// `ordo publish`: placeholder until its implementation lands (the gateway server and client library come next).

import { CommandError, parse, type Command } from './common.js'

const help = `Usage: ordo publish (not implemented yet in this build)`

export const publishCommand: Command = {
  name: 'publish',
  summary: '',
  help,
  async run(argv) {
    const { values } = parse('publish', argv, {})
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    throw new CommandError('NOT_IMPLEMENTED', 'ordo publish is not implemented yet in this build')
  },
}
