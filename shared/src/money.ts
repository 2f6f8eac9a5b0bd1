/**
 * Money as Stripe counts it: integers in the currency's minor unit everywhere (cents;
 * whole yen and won; thousandths of a dinar, whose last digit Stripe wants to be 0).
 */

/** Currencies Stripe charges without a minor unit. */
export const ZERO_DECIMAL_CURRENCIES = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
] as const
/** Currencies with three decimals. */
export const THREE_DECIMAL_CURRENCIES = ['bhd', 'jod', 'kwd', 'omr', 'tnd'] as const

/** The currencies a ticket may be priced in (Stripe's presentment currencies in common use). */
export const CURRENCIES = [
  'eur',
  'usd',
  'gbp',
  'chf',
  'cad',
  'aud',
  'nzd',
  'sek',
  'nok',
  'dkk',
  'pln',
  'czk',
  'huf',
  'ron',
  'bgn',
  'isk',
  'try',
  'ils',
  'aed',
  'sar',
  'inr',
  'sgd',
  'hkd',
  'twd',
  'thb',
  'myr',
  'php',
  'idr',
  'cny',
  'mxn',
  'brl',
  'zar',
  ...ZERO_DECIMAL_CURRENCIES,
  ...THREE_DECIMAL_CURRENCIES,
] as const
export type Currency = (typeof CURRENCIES)[number]

export function isCurrency(value: string): value is Currency {
  return (CURRENCIES as readonly string[]).includes(value)
}

/** Digits after the decimal point: 0 (JPY), 3 (KWD) or 2. */
export function minorDigits(currency: string): number {
  const c = currency.toLowerCase()
  if ((ZERO_DECIMAL_CURRENCIES as readonly string[]).includes(c)) return 0
  if ((THREE_DECIMAL_CURRENCIES as readonly string[]).includes(c)) return 3
  return 2
}

/** Stripe's smallest charge, in minor units, for the currencies where it is known. */
const MINIMUM_CHARGE: Partial<Record<Currency, number>> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  chf: 50,
  cad: 50,
  aud: 50,
  jpy: 50,
  krw: 100,
}

/** Why an amount cannot be charged in a currency, in words; null when it can. */
export function amountProblem(amount: number, currency: string): string | null {
  if (!Number.isInteger(amount)) return 'the amount is a whole number of the smallest unit (cents)'
  if (amount <= 0) return 'the amount must be more than 0; a free session has no ticket'
  if (!isCurrency(currency))
    return `${currency.toUpperCase()} is not a currency tickets are sold in`
  if (minorDigits(currency) === 3 && amount % 10 !== 0)
    return `amounts in ${currency.toUpperCase()} must end in 0 (Stripe charges whole hundredths)`
  const minimum = MINIMUM_CHARGE[currency]
  if (minimum !== undefined && amount < minimum)
    return `Stripe charges at least ${formatMoney(minimum, currency, 'en')} in ${currency.toUpperCase()}`
  if (amount > 99_999_999) return 'the amount is more than Stripe takes in one payment'
  return null
}

/** An amount in minor units as a person reads it, in their locale (Intl.NumberFormat). */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const digits = minorDigits(currency)
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount / 10 ** digits)
}

/** A decimal the host typed ("12.50") in minor units, or null when it is not one. */
export function toMinorUnits(text: string, currency: string): number | null {
  const digits = minorDigits(currency)
  const match = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text)
  if (!match) return null
  const fraction = match[2] ?? ''
  if (fraction.length > digits) return null
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0')
}
