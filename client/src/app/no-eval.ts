import { z } from 'zod'

/**
 * Zod compiles fast object parsers with `new Function` after probing whether eval is
 * allowed. The page's Content-Security-Policy forbids eval, so the probe would only
 * report a violation on every page load: parse without compiling. Imported first, so
 * it holds before any schema is made.
 */
z.config({ jitless: true })
