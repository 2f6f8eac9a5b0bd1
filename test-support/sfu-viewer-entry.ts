// The stage's SFU viewer (the link to /sfu, the watcher that picks layers from getStats,
// the ICE servers it asks the API for), bundled for a test page to run without the app.
// First, as in the app's entry: no schema may compile parsers with eval (see no-eval.ts).
import '../client/src/app/no-eval.ts'

export { IceServers } from '../client/src/video/rtc/ice-servers.ts'
export { SfuLink } from '../client/src/video/sfu/sfu-link.ts'
export { SfuWatcher } from '../client/src/video/sfu/sfu-watcher.ts'
