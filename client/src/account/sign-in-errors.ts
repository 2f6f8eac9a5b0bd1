/**
 * Why a sign-in did not happen, as the server names it in `/signin?error=<code>`
 * (sync-server/src/api/sign-in.ts), and what the person can do about it.
 */
export interface SignInFailure {
  title: string
  todo: string
}

const FAILURES: Record<string, SignInFailure> = {
  'link-invalid': {
    title: 'This sign-in link is not valid',
    todo: 'Check that the whole link was opened (some mail apps cut long links), or ask for a new link below.',
  },
  'link-used': {
    title: 'This sign-in link has been used already',
    todo: 'Each link works once. Ask for a new link below and open it on the device you want to sign in on.',
  },
  'link-expired': {
    title: 'This sign-in link has expired',
    todo: 'Links work for 15 minutes. Ask for a new link below.',
  },
  'state-mismatch': {
    title: 'This sign-in could not be matched to this browser',
    todo: 'It started in another browser, or took longer than 10 minutes. Start it again from this page.',
  },
  'provider-error': {
    title: 'The sign-in provider answered with an error',
    todo: 'Try again in a moment, or sign in with an e-mail link instead.',
  },
  'provider-denied': {
    title: 'The sign-in was cancelled',
    todo: 'Nothing was changed. Start again if you meant to sign in.',
  },
  'provider-unreachable': {
    title: 'The sign-in provider could not be reached',
    todo: 'Try again in a minute, or sign in with an e-mail link instead.',
  },
  'no-verified-email': {
    title: 'Your sign-in provider did not confirm an e-mail address',
    todo: 'Confirm your address with the provider and try again, or sign in with an e-mail link.',
  },
}

const UNKNOWN: SignInFailure = {
  title: 'The sign-in did not work',
  todo: 'Try again, or sign in with an e-mail link.',
}

/** The failure named by a `?error=` code; null for no code. */
export function signInFailure(code: string | null | undefined): SignInFailure | null {
  if (!code) return null
  return Object.hasOwn(FAILURES, code) ? (FAILURES[code] as SignInFailure) : UNKNOWN
}

/** The codes the sign-in page knows. */
export const FAILURE_CODES = Object.keys(FAILURES)
