// The signal server as its own service (what src/main.ts runs), for whoever starts it
// outside this package: the configuration it reads and the server it makes.
export {
  loadSignalConfig,
  type SignalConfig,
  SignalConfigError,
  SignalEnv,
} from './config.ts'
export { createSignalServer, type SignalServer } from './server.ts'
