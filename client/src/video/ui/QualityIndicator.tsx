import { levelLabel, type QualityLevel } from '../quality/stats.ts'

/** Three bars: all lit is good, two fair, one poor. */
export function QualityIndicator(props: { level: QualityLevel }) {
  const lit = () =>
    props.level === 'good' ? 3 : props.level === 'fair' ? 2 : props.level === 'poor' ? 1 : 0
  return (
    <span
      class={`vs-q vs-q-${props.level}`}
      role="img"
      aria-label={levelLabel(props.level)}
      title={levelLabel(props.level)}
      data-level={props.level}
    >
      <span classList={{ 'vs-q-bar': true, lit: lit() >= 1 }} />
      <span classList={{ 'vs-q-bar': true, lit: lit() >= 2 }} />
      <span classList={{ 'vs-q-bar': true, lit: lit() >= 3 }} />
    </span>
  )
}
