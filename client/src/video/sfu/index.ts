// The stage's SFU viewer as a module of its own (the link to /sfu, the watcher that picks
// layers from getStats, the ICE servers it asks the API for): what a page needs to watch
// a feed through the SFU without the app, as the tests' throttled viewer does.
// First, as in the app's entry: no schema may compile parsers with eval (see no-eval.ts).
import '../../app/no-eval.ts'

export { IceServers } from '../rtc/ice-servers.ts'
export { SfuLink } from './sfu-link.ts'
export { SfuWatcher } from './sfu-watcher.ts'
