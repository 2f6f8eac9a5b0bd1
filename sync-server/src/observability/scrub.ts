import { REDACTED, redactUrl } from '@podium/shared/log'

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi
/** A JWT, or any long run of letters and digits a token or secret is made of. */
const TOKENISH = /eyJ[\w-]*\.[\w-]+\.[\w-]*|\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{24,}\b/g
/** A URL (absolute or a path) with a query string or a fragment. */
const URL_TAIL = /((?:https?:\/\/[^\s/?#"')]+)?\/[^\s?#"')]*)[?#][^\s"')]*/g

/**
 * A browser's error text made fit for the logs: e-mail addresses, bearer credentials,
 * tokens and anything after `?` or `#` in a URL are replaced by `[redacted]`, invite
 * tokens in paths too. What is left names the code that failed, not the person.
 */
export function scrub(text: string): string {
  return text
    .replace(URL_TAIL, (_match, base: string) => `${redactUrl(base)}?${REDACTED}`)
    .replace(EMAIL, REDACTED)
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(TOKENISH, REDACTED)
}
