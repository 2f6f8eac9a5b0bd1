import { createEffect, createSignal, onCleanup, onMount } from 'solid-js'
import type uPlot from 'uplot'
import { scheme } from '../styles/scheme.ts'

/** A line of a chart: its label, its values (null: no value there) and its colour's variable. */
export interface ChartSeries {
  label: string
  values: Array<number | null>
  /** A custom property of theme.css, such as `--chart-1`. */
  color: string
}

type UPlot = typeof uPlot

/**
 * uPlot needs a canvas and `matchMedia`; where there is none (a page without them), the
 * chart is left out and its data table says everything.
 */
function canDraw(): boolean {
  return (
    typeof window !== 'undefined' &&
    typeof window.matchMedia === 'function' &&
    typeof ResizeObserver === 'function' &&
    document.createElement('canvas').getContext('2d') !== null
  )
}

let loading: Promise<UPlot> | null = null
/** uPlot and its stylesheet, fetched the first time a chart is drawn. */
function loadUplot(): Promise<UPlot> {
  loading ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(
    ([module]) => module.default,
  )
  return loading
}

const HEIGHT = 220

/**
 * A time chart drawn with uPlot, in the palette of the element it sits in (drawn again
 * when the theme changes). The canvas is hidden from screen readers: the data table
 * beside it holds the same figures.
 */
export function Chart(props: {
  x: number[]
  /** The time range shown, in ms (the report's). */
  range: [number, number]
  series: ChartSeries[]
  /** How the y axis and the legend write values. */
  format?: (value: number) => string
}) {
  let host!: HTMLDivElement
  const [lib, setLib] = createSignal<UPlot | null>(null)
  let plot: uPlot | undefined

  onMount(() => {
    if (!canDraw()) return
    void loadUplot().then((U) => setLib(() => U))
    const resize = new ResizeObserver(() => {
      if (plot && host.clientWidth > 0) plot.setSize({ width: host.clientWidth, height: HEIGHT })
    })
    resize.observe(host)
    onCleanup(() => resize.disconnect())
  })

  createEffect(() => {
    const U = lib()
    scheme()
    const data = [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData
    const format = props.format
    const [from, to] = props.range
    if (!U) return
    plot?.destroy()
    const css = getComputedStyle(host)
    const color = (name: string) => css.getPropertyValue(name).trim() || 'currentColor'
    const text = color('--muted')
    const grid = color('--border')
    const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      ...(values ? { values } : {}),
    })
    plot = new U(
      {
        width: Math.max(host.clientWidth, 240),
        height: HEIGHT,
        scales: {
          x: { time: true, range: [from / 1000, to / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [axis(), axis(format ? (_u, ticks) => ticks.map((t) => format(t)) : undefined)],
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: color(s.color),
            width: 2,
            points: { show: props.x.length < 60 },
            spanGaps: false,
            ...(format
              ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)) }
              : {}),
          })),
        ],
        cursor: { drag: { x: false, y: false } },
      },
      // uPlot's x values are seconds.
      [data[0].map((ms) => ms / 1000), ...data.slice(1)] as uPlot.AlignedData,
      host,
    )
  })
  onCleanup(() => plot?.destroy())

  return <div class="an-chart" ref={host} aria-hidden="true" />
}
