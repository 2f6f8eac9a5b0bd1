import { saveJson } from '../lib/download.ts'
import { useRoom } from './context.ts'
import { exportMyData } from './export.ts'

export function ExportButton() {
  const room = useRoom()
  const save = () =>
    saveJson(
      exportMyData(room.identity, room.public, room.outbox),
      `podium-${room.identity.sessionId}-my-data.json`,
    )
  return (
    <button type="button" class="button" onClick={save}>
      Export my data
    </button>
  )
}
