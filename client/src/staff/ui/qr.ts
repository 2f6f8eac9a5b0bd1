import QRCode from 'qrcode'

/** The attendee link for a join code (what the QR code holds). */
export function joinUrl(code: string, origin: string = window.location.origin): string {
  return `${origin}/j/${encodeURIComponent(code)}`
}

/**
 * A QR code as an SVG data URL, for an <img src>: the SVG is never put into the page's
 * own DOM, so nothing in it can run.
 */
export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
    color: { dark: '#000000', light: '#ffffff' },
  })
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}
