import { isMine } from '@podium/shared'
import { createEffect, on } from 'solid-js'
import { announce, announcement } from './announce.ts'
import { derive, sameList, useRoom } from './context.ts'

function summarize(count: number, one: string, many: string, text: string | undefined): string {
  return count === 1 && text ? `${one}: ${text}` : `${count} ${many}`
}

/**
 * The room's live region: announces new and newly answered questions (not the ones
 * that were there when the room opened) and whatever else calls announce().
 */
export function Announcer() {
  const room = useRoom()
  const published = derive(room, () =>
    room.public.questions().filter((q) => q.status === 'published'),
  )
  const ids = derive(room, () => published().map((q) => q.id), sameList)
  const answered = derive(
    room,
    () =>
      published()
        .filter((q) => q.answered)
        .map((q) => q.id),
    sameList,
  )

  const textOf = (id: string | undefined) => (id ? room.public.question(id)?.text : undefined)

  createEffect(
    on(ids, (now, before) => {
      if (!before) return
      const known = new Set(before)
      const me = { userId: room.identity.userId, asked: room.outbox.askedQuestions() }
      const fresh = now.filter((id) => {
        const question = room.public.question(id)
        return !known.has(id) && !(question && isMine(question, me))
      })
      if (fresh.length > 0) {
        announce(summarize(fresh.length, 'New question', 'new questions', textOf(fresh[0])))
      }
    }),
  )
  createEffect(
    on(answered, (now, before) => {
      if (!before) return
      const known = new Set(before)
      const fresh = now.filter((id) => !known.has(id))
      if (fresh.length > 0) {
        announce(summarize(fresh.length, 'Answered', 'questions answered', textOf(fresh[0])))
      }
    }),
  )

  return (
    <div class="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement()}
    </div>
  )
}
