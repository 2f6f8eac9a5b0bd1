export interface Program {
  command: string
  pkg: string
  why: string
}
export interface Facts {
  root: boolean
  debian: boolean
  missing: Program[]
  postgres: boolean
  redis: boolean
  localPostgres: boolean
  localRedis: boolean
  hasPostgresServer: boolean
  hasRedisServer: boolean
}
export interface Plan {
  install: string[]
  start: ('postgres' | 'redis')[]
  problems: string[]
}
export const POSTGRES_URL: string
export const REDIS_URL: string
/** Programs the tests run, each with the Debian package that has it. */
export const PROGRAMS: Program[]
/** Debian's Chromium, for the e2e tests. */
export const CHROMIUM: Program
/** What to do about a machine, decided from what it has. */
export function plan(facts: Facts): Plan
/** Installs and starts what the tests need, or throws naming what is missing. */
export function provide(): Promise<void>
export default function setup(): Promise<void>
