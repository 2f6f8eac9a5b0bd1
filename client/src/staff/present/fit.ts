import { onCleanup } from 'solid-js'

/**
 * Fitting text to a projector: a screen cannot be scrolled by the audience, so what is
 * shown must fit, whole, at the largest size that does.
 */

/** Whether an element's content is taller than the element (1 px of rounding allowed). */
const overflows = (box: HTMLElement) => box.scrollHeight > box.clientHeight + 1

/**
 * Shrinks `text`'s font (from its stylesheet size down to `minPx`) until `box` holds it;
 * if even the smallest size does not fit, `box` gets `data-overflow` (the stylesheet lets
 * it scroll, the last resort). Returns the size chosen, in px.
 */
export function fitText(box: HTMLElement, text: HTMLElement, minPx: number): number {
  text.style.fontSize = ''
  box.removeAttribute('data-overflow')
  let size = Number.parseFloat(getComputedStyle(text).fontSize) || minPx
  while (overflows(box) && size > minPx) {
    size = Math.max(minPx, Math.floor(size * 0.9))
    text.style.fontSize = `${size}px`
  }
  if (overflows(box)) box.setAttribute('data-overflow', '')
  return size
}

/**
 * Hides the rows of `list` that do not fit in it whole, from the last up: a row cut in
 * half (behind a button or the screen's edge) reads as a different question.
 * Returns how many rows are shown.
 */
export function fitRows(list: HTMLElement): number {
  const rows = [...list.children] as HTMLElement[]
  for (const row of rows) row.hidden = false
  let shown = rows.length
  while (shown > 1 && overflows(list)) {
    shown--
    const row = rows[shown]
    if (row) row.hidden = true
  }
  return shown
}

/** Runs `refit` now, on the next frame (fonts and layout settled), and whenever `el` resizes. */
export function refitOnResize(el: HTMLElement, refit: () => void): void {
  refit()
  const frame = requestAnimationFrame(refit)
  onCleanup(() => cancelAnimationFrame(frame))
  if (typeof ResizeObserver === 'undefined') return
  const observer = new ResizeObserver(() => refit())
  observer.observe(el)
  onCleanup(() => observer.disconnect())
}
