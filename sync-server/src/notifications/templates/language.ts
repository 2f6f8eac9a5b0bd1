/**
 * The templates' small language: `{{name}}` puts in a value (HTML-escaped in HTML parts),
 * and `{{#name}}…{{/name}}` keeps what it encloses only when the value is not empty.
 * Nothing else: no code, no raw HTML from data, so an operator's template cannot be made
 * to run anything and data cannot change a mail's markup.
 */

export class TemplateError extends Error {
  override name = 'TemplateError'
}

type Node =
  | { type: 'text'; text: string }
  | { type: 'value'; name: string }
  | { type: 'section'; name: string; children: Node[] }

export type Values = Record<string, string | number | null | undefined>

export interface Template {
  /** The names it uses. */
  names: ReadonlySet<string>
  render(values: Values, escapeValue: (value: string) => string, raw?: ReadonlySet<string>): string
}

const TAG = /\{\{\s*([#/]?)\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g

/** Parses `source`; an error names `file`, the line and what is wrong, and the names allowed. */
export function compile(source: string, file: string, allowed: ReadonlySet<string>): Template {
  const root: Node[] = []
  const stack: Array<{ name: string; children: Node[]; line: number }> = []
  const names = new Set<string>()
  let at = 0
  const lineOf = (index: number) => source.slice(0, index).split('\n').length
  const fail = (index: number, what: string) => {
    throw new TemplateError(`template ${file}, line ${lineOf(index)}: ${what}`)
  }
  const current = () => stack.at(-1)?.children ?? root
  const plain = (text: string, index: number) => {
    const stray = /\{\{|\}\}/.exec(text)
    if (stray)
      fail(
        index + stray.index,
        `"${stray[0]}" is not part of a {{name}}, {{#name}} or {{/name}} tag`,
      )
    if (text) current().push({ type: 'text', text })
  }
  for (const match of source.matchAll(TAG)) {
    plain(source.slice(at, match.index), at)
    at = match.index + match[0].length
    const [, mark, name = ''] = match
    if (!allowed.has(name))
      fail(
        match.index,
        `{{${mark}${name}}} is not known here; this template may use ${[...allowed].sort().join(', ')}`,
      )
    names.add(name)
    if (mark === '#') {
      const section: Node = { type: 'section', name, children: [] }
      current().push(section)
      stack.push({ name, children: section.children, line: lineOf(match.index) })
    } else if (mark === '/') {
      const open = stack.pop()
      if (!open) fail(match.index, `{{/${name}}} closes no section`)
      else if (open.name !== name)
        fail(match.index, `{{/${name}}} closes {{#${open.name}}} from line ${open.line}`)
    } else {
      current().push({ type: 'value', name })
    }
  }
  plain(source.slice(at), at)
  const open = stack.pop()
  if (open)
    throw new TemplateError(
      `template ${file}, line ${open.line}: {{#${open.name}}} is never closed with {{/${open.name}}}`,
    )
  return {
    names,
    render(values, escapeValue, raw = new Set()) {
      const walk = (nodes: Node[]): string =>
        nodes
          .map((node) => {
            switch (node.type) {
              case 'text':
                return node.text
              case 'value': {
                const value = String(values[node.name] ?? '')
                return raw.has(node.name) ? value : escapeValue(value)
              }
              case 'section':
                return isEmpty(values[node.name]) ? '' : walk(node.children)
              default: {
                const never: never = node
                throw new Error(`unknown node ${JSON.stringify(never)}`)
              }
            }
          })
          .join('')
      return walk(root)
    },
  }
}

function isEmpty(value: Values[string]): boolean {
  return value === null || value === undefined || value === '' || value === 0
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Every value put into HTML: text, never markup, in element content and in attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

/** Values in plain text and SMS stay as they are. */
export const asText = (value: string) => value

/** A header value (the subject): one line, whatever the data held. */
export function oneLine(value: string): string {
  let line = ''
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    const control = code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029
    line += control ? ' ' : char
  }
  return line.replace(/\s+/g, ' ').trim()
}
