// First: before any schema is made (see no-eval.ts).
import './app/no-eval.ts'
import { render } from 'solid-js/web'
import { App } from './app/App.tsx'
import { registerServiceWorkerAfterLoad } from './app/service-worker.ts'
import './styles/base.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
render(() => <App />, root)
registerServiceWorkerAfterLoad()
