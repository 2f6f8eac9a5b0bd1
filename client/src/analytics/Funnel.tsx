import type { AnalyticsFunnel } from '@podium/shared'
import { For } from 'solid-js'
import { count, share } from './format.ts'

/**
 * Joined → took part → got an answer, as a list of bars: the numbers are the text, the
 * bars only draw them.
 */
export function Funnel(props: { funnel: AnalyticsFunnel }) {
  const steps = () => [
    { label: 'Joined', value: props.funnel.joined },
    { label: 'Took part (asked, replied or voted)', value: props.funnel.tookPart },
    { label: 'Got an answer', value: props.funnel.gotAnswer },
  ]
  const width = (value: number) =>
    props.funnel.joined === 0 ? '0%' : `${(100 * value) / props.funnel.joined}%`
  return (
    <section class="an-block" aria-labelledby="an-funnel-h">
      <h3 id="an-funnel-h">From joining to an answer</h3>
      <p class="an-hint">Attendees only; staff are left out.</p>
      <ol class="an-funnel">
        <For each={steps()}>
          {(step) => (
            <li>
              <span class="an-funnel-label">{step.label}</span>
              <span class="an-funnel-value">
                {count(step.value)}
                <span class="an-funnel-share"> ({share(step.value, props.funnel.joined)})</span>
              </span>
              <span class="an-funnel-bar" aria-hidden="true">
                <span style={{ width: width(step.value) }} />
              </span>
            </li>
          )}
        </For>
      </ol>
    </section>
  )
}
