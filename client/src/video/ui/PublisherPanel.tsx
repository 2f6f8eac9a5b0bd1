import { createEffect, createSignal, Match, Show, Switch } from 'solid-js'
import { ShareMode } from '../rtc/publisher.ts'
import { type Publishing, PublishState } from '../state/publish-state.ts'
import { DevicePicker } from './DevicePicker.tsx'
import type { LookClasses } from './look.ts'

function Preview(props: { stream: MediaStream | null; label: string }) {
  let video: HTMLVideoElement | undefined
  createEffect(() => {
    if (video && video.srcObject !== props.stream) video.srcObject = props.stream
  })
  return (
    <video ref={video} class="vs-preview" autoplay playsinline muted aria-label={props.label} />
  )
}

/** Going on stage and what a publisher controls there: microphone, camera, devices, screen. */
export function PublisherPanel(props: {
  publishing: Publishing
  cap: number
  classes: LookClasses
}) {
  const p = props.publishing
  const [mode, setMode] = createSignal<ShareMode>(ShareMode.added)
  const onStage = () => p.state() === PublishState.live || p.state() === PublishState.reconnecting

  return (
    <div class="vs-publisher">
      <Show when={p.problem()}>
        {(text) => (
          <p class="vs-problem" role="alert">
            {text()}
          </p>
        )}
      </Show>
      <Switch>
        <Match when={p.state() === PublishState.off}>
          <button
            type="button"
            class={`${props.classes.primary} vs-go`}
            onClick={() => void p.goOnStage()}
          >
            Go on stage
          </button>
        </Match>
        <Match when={p.state() === PublishState.starting}>
          <button type="button" class={props.classes.button} disabled>
            Starting camera and microphone…
          </button>
        </Match>
        <Match when={p.state() === PublishState.leaving}>
          <p role="status">Leaving the stage…</p>
        </Match>
        <Match when={onStage()}>
          <div class="vs-live">
            <div class="vs-self">
              <Preview stream={p.preview()} label="Your camera" />
              <Show when={p.screenPreview()}>
                <Preview stream={p.screenPreview()} label="Your shared screen" />
              </Show>
            </div>
            <p class="vs-onair" role="status">
              <Show
                when={p.state() === PublishState.live}
                fallback="Reconnecting to the signaling server; viewers already watching still see you…"
              >
                On stage · {p.audience()} watching (at most {props.cap})
              </Show>
            </p>
            <div class="vs-controls">
              <Show when={p.hasMicrophone()}>
                <button
                  type="button"
                  class={props.classes.button}
                  aria-pressed={!p.microphoneOn()}
                  onClick={() => p.setMicrophone(!p.microphoneOn())}
                >
                  {p.microphoneOn() ? 'Mute' : 'Unmute'}
                </button>
              </Show>
              <Show when={p.hasCamera()}>
                <button
                  type="button"
                  class={props.classes.button}
                  aria-pressed={!p.cameraOn()}
                  onClick={() => p.setCamera(!p.cameraOn())}
                >
                  {p.cameraOn() ? 'Camera off' : 'Camera on'}
                </button>
              </Show>
              <Show
                when={p.sharing()}
                fallback={
                  <span class="vs-share">
                    <Show when={p.hasCamera()}>
                      <label>
                        Show screen
                        <select
                          value={mode()}
                          onChange={(e) =>
                            setMode(
                              e.currentTarget.value === ShareMode.replaced
                                ? ShareMode.replaced
                                : ShareMode.added,
                            )
                          }
                        >
                          <option value={ShareMode.added}>beside the camera</option>
                          <option value={ShareMode.replaced}>instead of the camera</option>
                        </select>
                      </label>
                    </Show>
                    <button
                      type="button"
                      class={props.classes.button}
                      onClick={() => void p.shareScreen(p.hasCamera() ? mode() : ShareMode.added)}
                    >
                      Share screen
                    </button>
                  </span>
                }
              >
                <button
                  type="button"
                  class={props.classes.button}
                  onClick={() => void p.stopSharing()}
                >
                  Stop sharing
                </button>
              </Show>
              <button
                type="button"
                class={`${props.classes.button} vs-leave`}
                onClick={() => void p.leaveStage()}
              >
                Leave stage
              </button>
            </div>
            <DevicePicker
              refresh={p.preview()}
              onChoose={(kind, id) => void p.chooseDevice(kind, id)}
            />
          </div>
        </Match>
      </Switch>
    </div>
  )
}
