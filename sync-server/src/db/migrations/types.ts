export type DialectName = 'sqlite' | 'postgres'

/** Column types that differ between the two databases. */
export function types(dialect: DialectName) {
  return {
    binary: dialect === 'postgres' ? 'bytea' : 'blob',
    serial: dialect === 'postgres' ? 'bigserial' : 'integer',
  } as const
}
