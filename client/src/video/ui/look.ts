/** The stage sits in the attendee room and in staff consoles, which style cards and buttons differently. */
export const Look = { room: 'room', staff: 'staff' } as const
export type Look = (typeof Look)[keyof typeof Look]

export interface LookClasses {
  card: string
  button: string
  primary: string
}

export function lookClasses(look: Look): LookClasses {
  switch (look) {
    case Look.room:
      return { card: 'card', button: 'button', primary: 'button button-primary' }
    case Look.staff:
      return { card: 'panel', button: 'btn', primary: 'btn btn-primary' }
    default: {
      const unknown: never = look
      throw new Error(`unknown look ${String(unknown)}`)
    }
  }
}
