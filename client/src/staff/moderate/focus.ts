/**
 * Focus for the console's rows: a decided row is about to leave the list, and focus left
 * on it would fall to the page's body; it goes to the row selected next instead, or to the
 * queue itself when nothing is left.
 */
export function focusRow(key: string | null, within: ParentNode = document): void {
  const row = key
    ? [...within.querySelectorAll<HTMLElement>('[data-key]')].find((el) => el.dataset.key === key)
    : undefined
  const target = row ?? within.querySelector<HTMLElement>('.panel.queue')
  target?.focus()
  row?.scrollIntoView?.({ block: 'nearest' })
}
