// Example: subscribe with the client library.
//   ordo start                                  (in another terminal)
//   node dist/gateway/examples/subscribe.js
// Messages come in gsn order, each once. After any disconnect the client
// resumes from the last gsn it handed over + 1, so the stream continues with no
// gap and no repeat. Ctrl-C to stop.
import { connect } from '../client/index.js'

const client = await connect(process.env.ORDO_URL ?? 'ws://127.0.0.1:7070/', { token: process.env.ORDO_TOKEN })

// The zero-copy form: a handler gets batches through a cursor (no object per message).
// fromGsn: 1n replays everything still in the journal, then goes live; omit it for "from now".
const sub = await client.subscribe(['orders'], { fromGsn: 1n }, (batch) => {
  while (batch.next()) {
    // batch.payload() is a view into the frame: copy it if you keep it. gsn and gseq are bigints.
    console.log(`gsn=${batch.gsn} gseq=${batch.gseq(0)} ${batch.text()}`)
  }
})

// The async-iterator form: one object per message, safe to keep. A slow loop pauses the
// subscription at the server (at most maxBuffered messages wait here) instead of losing any.
const audit = client.subscribe(['audit'], { maxBuffered: 1024 })
void (async () => {
  for await (const m of audit) console.log(`audit gsn=${m.gsn}: ${m.text()}`)
})()

process.once('SIGINT', () => {
  console.log(`stopping; would resume at gsn ${sub.nextGsn}`)
  void client.close()
})
const reason = await client.closed()
if (reason !== undefined) console.error(`client ended: ${reason.codeName}: ${reason.message}`)
