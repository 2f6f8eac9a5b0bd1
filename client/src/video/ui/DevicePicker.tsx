import { createResource, For, onCleanup, Show } from 'solid-js'
import { listDevices } from '../rtc/local-media.ts'

/** Camera and microphone choice; labels are only known once access was granted. */
export function DevicePicker(props: {
  /** Changes when devices may have changed (after going on stage). */
  refresh: unknown
  onChoose: (kind: 'audio' | 'video', deviceId: string) => void
}) {
  const [devices, { refetch }] = createResource(
    () => props.refresh,
    () => listDevices().catch(() => ({ cameras: [], microphones: [] })),
  )
  const changed = () => void refetch()
  navigator.mediaDevices?.addEventListener?.('devicechange', changed)
  onCleanup(() => navigator.mediaDevices?.removeEventListener?.('devicechange', changed))
  const name = (device: MediaDeviceInfo, index: number, what: string) =>
    device.label || `${what} ${index + 1}`
  return (
    <Show when={devices()}>
      {(list) => (
        <div class="vs-devices">
          <Show when={list().cameras.length > 1}>
            <label>
              Camera
              <select onChange={(e) => props.onChoose('video', e.currentTarget.value)}>
                <For each={list().cameras}>
                  {(device, i) => (
                    <option value={device.deviceId}>{name(device, i(), 'Camera')}</option>
                  )}
                </For>
              </select>
            </label>
          </Show>
          <Show when={list().microphones.length > 1}>
            <label>
              Microphone
              <select onChange={(e) => props.onChoose('audio', e.currentTarget.value)}>
                <For each={list().microphones}>
                  {(device, i) => (
                    <option value={device.deviceId}>{name(device, i(), 'Microphone')}</option>
                  )}
                </For>
              </select>
            </label>
          </Show>
        </div>
      )}
    </Show>
  )
}
