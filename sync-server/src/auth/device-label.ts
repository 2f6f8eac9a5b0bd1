const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
]

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
]

/** What kind of device someone joins from, for analytics: never more than this. */
export type DeviceClass = 'phone' | 'tablet' | 'desktop' | 'unknown'

/** The device class a user agent says, and nothing else of it. */
export function deviceClass(userAgent: string | undefined): DeviceClass {
  const ua = userAgent ?? ''
  if (/iPad|Tablet|PlayBook|Silk\//.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua)))
    return 'tablet'
  if (/Mobi|iPhone|iPod|Android/.test(ua)) return 'phone'
  if (/Windows|Macintosh|Mac OS X|X11|Linux|CrOS/.test(ua)) return 'desktop'
  return 'unknown'
}

/**
 * What kind of browser a device is, for the account page ("Firefox on Android"): the
 * class only, never the whole user-agent string, which would identify the person.
 */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? ''
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? 'A browser'
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1]
  return system ? `${browser} on ${system}` : browser
}
