// Example: subscribe with the client library.
//   ordo start                                  (in another terminal)
//   node dist/gateway/examples/subscribe.js
// The handler gets batches of messages in gsn order, each once. After any
// disconnect the client resumes from the last gsn it handed over + 1, so the
// stream continues with no gap and no repeat. Ctrl-C to stop.
import { connect } from '../client/index.js'

const client = await connect(process.env.ORDO_URL ?? 'ws://127.0.0.1:7070/', { token: process.env.ORDO_TOKEN })
const decoder = new TextDecoder()

// fromGsn: 1n replays everything still in the journal, then goes live; omit it for "from now".
const sub = await client.subscribe(['orders'], { fromGsn: 1n }, (batch) => {
  while (batch.next()) {
    // batch.payload() is a view into the frame: copy it if you keep it.
    console.log(`gsn=${batch.gsn} gseq=${batch.gseq(0)} ${decoder.decode(batch.payload())}`)
  }
})

process.once('SIGINT', () => {
  console.log(`stopping; would resume at gsn ${sub.nextGsn}`)
  void client.close()
})
