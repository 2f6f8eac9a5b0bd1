import { createResource, Show } from 'solid-js'
import { qrDataUrl } from './qr.ts'

/** A QR code image of `text`, with a text alternative naming what it opens. */
export function QrImage(props: { text: string; alt: string; class?: string }) {
  const [src] = createResource(() => props.text, qrDataUrl)
  return (
    <Show when={src()} fallback={<div class={`qr qr-placeholder ${props.class ?? ''}`} />}>
      {(url) => <img class={`qr ${props.class ?? ''}`} src={url()} alt={props.alt} />}
    </Show>
  )
}
