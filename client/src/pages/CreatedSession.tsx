import { CopyButton } from '../components/CopyButton.tsx'

/**
 * After creating a session without an account: its private host link, shown this once (the
 * server keeps only its hash), with what it is for and why to keep it private.
 */
export function CreatedSession(props: { title: string; hostLink: string; consoleHref: string }) {
  return (
    <section class="card created-card" aria-labelledby="created-heading">
      <h2 id="created-heading" dir="auto">
        “{props.title}” is ready
      </h2>
      <p>
        This is your <strong>private host link</strong>. Open it on any device (your phone, another
        computer, this browser after its data was cleared) to get back to the host console.
      </p>
      <div class="field">
        <label for="host-link">Private host link</label>
        <div class="host-link-row">
          <input
            id="host-link"
            class="host-link-input"
            readonly
            value={props.hostLink}
            onFocus={(e) => e.currentTarget.select()}
            aria-describedby="host-link-warning"
          />
          <CopyButton text={props.hostLink} label="Copy" class="button" />
        </div>
      </div>
      <p class="notice" id="host-link-warning">
        <strong>Anyone with this link can run the session; keep it private.</strong> It is shown
        only now: keep it somewhere safe, such as a password manager. A new one can be made in the
        host console, and the old one then stops working.
      </p>
      <p>
        <a class="button button-primary" href={props.consoleHref}>
          Open the host console
        </a>
      </p>
    </section>
  )
}
