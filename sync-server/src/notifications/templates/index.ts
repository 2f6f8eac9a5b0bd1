import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { NOTIFICATION_KINDS, type NotificationKind } from '@podium/shared'
import { DEFAULTS, KIND_NAMES, LAYOUT, LAYOUT_NAMES } from './defaults.ts'
import {
  asText,
  compile,
  escapeHtml,
  oneLine,
  type Template,
  TemplateError,
  type Values,
} from './language.ts'

export { TemplateError } from './language.ts'

type Part = 'subject' | 'text' | 'html' | 'short'

/** The file an operator puts in DATA_DIR/templates to replace a part. */
export function templateFile(kind: NotificationKind | 'layout', part: Part): string {
  if (kind === 'layout') return `layout.${part === 'html' ? 'html' : 'txt'}`
  switch (part) {
    case 'subject':
      return `${kind}.subject.txt`
    case 'text':
      return `${kind}.txt`
    case 'html':
      return `${kind}.html`
    case 'short':
      return `${kind}.short.txt`
    default: {
      const never: never = part
      throw new Error(`unknown part ${String(never)}`)
    }
  }
}

/** A rendered message: the mail's parts, and the short text push and SMS carry. */
export interface Rendered {
  subject: string
  text: string
  html: string
  short: string
}

/** Where a non-transactional mail says how to stop it. */
export interface Footer {
  unsubscribeUrl: string
  preferencesUrl: string
}

const MAX_TEMPLATE_BYTES = 64 * 1024

/**
 * The templates in use: the defaults, each replaced by the operator's file of the same
 * name under DATA_DIR/templates when there is one. Every file is checked when Podium
 * starts; a broken or unknown one stops the start with its name.
 */
export class Templates {
  private readonly kinds = new Map<NotificationKind, Record<Part, Template>>()
  private readonly layout: { text: Template; html: Template }
  /** The operator's files in use. */
  readonly overridden: string[] = []

  constructor(folder: string | undefined) {
    const files = new Map<string, string>()
    if (folder && existsSync(folder)) {
      for (const name of readdirSync(folder)) {
        if (name.startsWith('.')) continue
        const path = join(folder, name)
        if (!statSync(path).isFile()) continue
        if (statSync(path).size > MAX_TEMPLATE_BYTES)
          throw new TemplateError(`template ${name} is larger than 64 KiB`)
        const bytes = readFileSync(path)
        const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
        try {
          files.set(name, text.decode(bytes))
        } catch {
          throw new TemplateError(`template ${name} is not UTF-8 text`)
        }
      }
    }
    const known = new Set<string>()
    const load = (file: string, fallback: string, names: ReadonlySet<string>) => {
      known.add(file)
      const given = files.get(file)
      if (given !== undefined) this.overridden.push(file)
      return compile(given ?? fallback, file, names)
    }
    const layoutNames = new Set<string>(LAYOUT_NAMES)
    this.layout = {
      text: load(templateFile('layout', 'text'), LAYOUT.text, layoutNames),
      html: load(templateFile('layout', 'html'), LAYOUT.html, layoutNames),
    }
    for (const [part, template] of Object.entries(this.layout))
      if (!template.names.has('content'))
        throw new TemplateError(
          `template ${templateFile('layout', part as Part)} must put in {{content}}, the message itself`,
        )
    for (const kind of NOTIFICATION_KINDS) {
      const names = new Set(KIND_NAMES[kind])
      const defaults = DEFAULTS[kind]
      const parts = {} as Record<Part, Template>
      for (const part of ['subject', 'text', 'html', 'short'] as const)
        parts[part] = load(templateFile(kind, part), defaults[part], names)
      this.kinds.set(kind, parts)
    }
    for (const name of files.keys())
      if (!known.has(name))
        throw new TemplateError(
          `template ${name} replaces nothing: the files are named like reminder.html, reminder.txt, reminder.subject.txt, reminder.short.txt, layout.html and layout.txt (see docs/notifications.md)`,
        )
  }

  /** Renders a kind with its values; `footer` for mail that is not strictly transactional. */
  render(kind: NotificationKind, values: Values, footer?: Footer): Rendered {
    const parts = this.kinds.get(kind)
    if (!parts) throw new Error(`no templates for ${kind}`)
    const subject = oneLine(parts.subject.render(values, asText))
    const around = { subject, ...footer }
    const raw = new Set(['content'])
    return {
      subject,
      text: this.layout.text.render(
        { ...around, content: parts.text.render(values, asText) },
        asText,
        raw,
      ),
      html: this.layout.html.render(
        { ...around, content: parts.html.render(values, escapeHtml) },
        escapeHtml,
        raw,
      ),
      short: parts.short.render(values, asText).trim(),
    }
  }
}
