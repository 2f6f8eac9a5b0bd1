import { createMemo, Show } from 'solid-js'
import { CopyButton } from '../../components/CopyButton.tsx'
import type { StaffRoom } from '../model/room.ts'
import { QrImage } from '../ui/QrImage.tsx'
import { joinUrl } from '../ui/qr.ts'

/** How attendees get in: the join code, the link, and its QR code. */
export function JoinPanel(props: { room: StaffRoom }) {
  const code = createMemo(() => {
    props.room.version()
    return props.room.pub.meta().code
  })
  const link = () => joinUrl(code())
  return (
    <section class="panel join" aria-labelledby="join-heading">
      <h2 id="join-heading">Join</h2>
      <Show
        when={code()}
        fallback={<p class="st-empty">The join code appears once the session has synced.</p>}
      >
        <div class="join-body">
          <div>
            <p class="join-code-label">Code</p>
            <p class="join-code">{code()}</p>
            <p class="join-link">
              <a href={link()} target="_blank" rel="noopener">
                {link()}
              </a>
            </p>
            <div class="row">
              <CopyButton text={code()} label="Copy code" />
              <CopyButton text={link()} label="Copy link" />
            </div>
          </div>
          <QrImage text={link()} alt={`QR code for ${link()}`} class="qr-small" />
        </div>
      </Show>
    </section>
  )
}
