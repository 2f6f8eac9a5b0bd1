// First: before any schema is made (see no-eval.ts).
import './app/no-eval.ts'
import { render } from 'solid-js/web'
import { App } from './app/App.tsx'
import { reportErrors } from './app/error-reports.ts'
import { registerServiceWorkerAfterLoad } from './app/service-worker.ts'
import { followSystemScheme } from './styles/scheme.ts'
import './styles/theme.css'
import './styles/base.css'

// Before anything else can throw: a crash in a phone's browser reaches the server's log.
reportErrors()
const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
followSystemScheme(document.documentElement)
render(() => <App />, root)
registerServiceWorkerAfterLoad()
