import { createSignal } from 'solid-js'
import { messageOf } from './errors.ts'

/**
 * One action at a time for a panel of buttons and forms: which one runs (`busy`, by key),
 * what it did (`done`, the message it returns) and why it failed (`error`, in words).
 * `after` runs once an action succeeds (a list read again), its failure shown the same way.
 */
export function createAction(
  options: { failure?: (e: unknown) => string; after?: () => unknown } = {},
) {
  const failure = options.failure ?? messageOf
  const [busy, setBusy] = createSignal<string | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [done, setDone] = createSignal<string | null>(null)

  const run = async (key: string, fn: () => Promise<string | null>) => {
    setBusy(key)
    setError(null)
    setDone(null)
    try {
      setDone(await fn())
      await options.after?.()
    } catch (e) {
      setError(failure(e))
    } finally {
      setBusy(null)
    }
  }

  return { busy, error, done, setError, setDone, run }
}
