// The stage's SFU viewer, bundled for a test page to run without the app: the client's
// own module of it (its link to /sfu, its layer-picking watcher, its ICE servers).
export { IceServers, SfuLink, SfuWatcher } from '@podium/client/video/sfu'
