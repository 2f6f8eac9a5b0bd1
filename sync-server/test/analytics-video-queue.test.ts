import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AlertWatch } from '../src/analytics/alerts/watch.ts'
import { Analytics } from '../src/analytics/analytics.ts'
import type { Db } from '../src/db/connect.ts'
import { EventBus } from '../src/events/bus.ts'
import { EventLog } from '../src/events/log.ts'
import type { EventData, EventDraft } from '../src/events/types.ts'
import { at, T0 } from './helpers/analytics-script.ts'
import { DIALECTS, openTestDatabase } from './helpers/databases.ts'

// Video quality reports and the moderation queue's age, on both databases: what the
// reports add to the series, totals and export, and the two alerts they drive, each
// firing once and recovering once.

const quiet = pino({ level: 'silent' })

type Quality = Omit<Extract<EventData, { type: 'video.quality' }>, 'type' | 'userId' | 'feed'>
const GOOD: Quality = { rttMs: 100, lossPct: 0, jitterMs: 10, bitrateKbps: 1500, fps: 30 }
const POOR: Quality = { rttMs: 200, lossPct: 10, jitterMs: 20, bitrateKbps: 500, fps: 15 }

for (const kind of DIALECTS) {
  describe(`video quality and queue age on ${kind}`, () => {
    let db: Db
    let dispose: () => unknown
    let bus: EventBus
    let analytics: Analytics
    let now = T0
    const told: Array<[string, string, number]> = []
    const id = 'session-vq'
    const session = { id, created_at: T0 }
    const e = (draft: EventData & { at: number }): EventDraft => ({ ...draft, sessionId: id })
    const store = async (events: EventDraft[]) => {
      await db.kysely.transaction().execute((trx) => new EventLog(db).append(trx, events))
      bus.committed()
      await bus.drain()
    }
    const report = (userId: string, t: number, q: Quality) =>
      e({ type: 'video.quality', at: t, userId, feed: 'camera', ...q })

    beforeEach(async () => {
      ;({ db, dispose } = await openTestDatabase(kind))
      now = T0
      told.length = 0
      bus = new EventBus(db, new EventLog(db), quiet, 50)
      analytics = new Analytics({
        db,
        events: bus,
        log: quiet,
        retentionDays: 365,
        clock: () => now,
      })
      analytics.onAlert(async (_k, change) => {
        told.push([change.rule, change.state, change.at])
      })
      analytics.start()
    })
    afterEach(async () => {
      await analytics.stop()
      await bus.stop()
      await db.close()
      await dispose()
    })

    it('[AN-20] reports make the video figures, and poor video fires once and recovers once', async () => {
      // Minute 0: good, poor, poor, good. The third report makes 2 poor of 3: it fires.
      await store([
        report('v-1', at(0, 10), GOOD),
        report('v-2', at(0, 20), POOR),
        report('v-3', at(0, 30), POOR),
        report('v-4', at(0, 40), GOOD),
      ])
      // Minute 1: six good ones, one without a bitrate. 2 poor of 7 is under 30 %: recovered.
      await store([
        report('v-1', at(1, 0), GOOD),
        report('v-2', at(1, 10), GOOD),
        report('v-3', at(1, 20), GOOD),
        report('v-4', at(1, 30), GOOD),
        report('v-5', at(1, 40), GOOD),
        report('v-6', at(1, 50), { ...GOOD, bitrateKbps: null }),
      ])
      const r = await analytics.report(session, {})
      expect(r.range).toEqual({ from: T0, to: at(2), bucketMinutes: 1 })
      expect(r.series.map((p) => p.video)).toEqual([
        { reports: 4, poor: 2, rttMs: 150, lossPct: 5, jitterMs: 15, bitrateKbps: 1000, fps: 22.5 },
        { reports: 6, poor: 0, rttMs: 100, lossPct: 0, jitterMs: 10, bitrateKbps: 1500, fps: 30 },
      ])
      // Over both minutes: bitrate of the 9 reports that had one, (2×500 + 7×1500) / 9.
      expect(r.totals.video).toEqual({
        reports: 10,
        poor: 2,
        rttMs: 120,
        lossPct: 2,
        jitterMs: 12,
        bitrateKbps: 1278,
        fps: 27,
      })
      expect(r.alerts).toEqual([
        {
          rule: 'poor-video',
          firedAt: at(0, 30),
          recoveredAt: at(1, 20),
          detail: { present: 0, peak: 0, asked: 0, rejected: 0, video: { reports: 3, poor: 2 } },
        },
      ])
      expect(told).toEqual([
        ['poor-video', 'fired', at(0, 30)],
        ['poor-video', 'recovered', at(1, 20)],
      ])
      // Raw sums in the export: loss in hundredths of a percent, frames in hundredths.
      let csv = ''
      for await (const chunk of analytics.export(id, 'csv', {})) csv += chunk
      const [header, first] = csv.trim().split('\n')
      const row = Object.fromEntries(header!.split(',').map((h, i) => [h, first!.split(',')[i]]))
      expect(row).toMatchObject({
        video_reports: '4',
        video_poor: '2',
        video_rtt_ms: '600',
        video_rtt_n: '4',
        video_loss_bp: '2000',
        video_loss_n: '4',
        video_fps_x100: '9000',
        video_fps_n: '4',
      })
    })

    it('[AN-21] poor video needs three reports in the window, and ages out of it', async () => {
      await store([report('v-1', at(0, 10), POOR), report('v-2', at(0, 20), POOR)])
      expect((await analytics.report(session, {})).alerts).toEqual([])
      await store([report('v-3', at(0, 30), POOR)])
      expect(told).toEqual([['poor-video', 'fired', at(0, 30)]])
      now = at(4, 59)
      expect(await analytics.checkAlerts()).toEqual([])
      // 09:00 leaves the last five minutes: no reports in the window, nothing holds.
      now = at(5)
      expect(await analytics.checkAlerts()).toEqual([id])
      expect(told.at(-1)).toEqual(['poor-video', 'recovered', at(5)])
    })

    it('[AN-29] an emptied room is left to events: the 30 s job looks only at what time can change', async () => {
      const people = ['p-1', 'p-2', 'p-3', 'p-4']
      const joined = (t: number, who: string[]) =>
        who.map((userId) => e({ type: 'participant.joined', at: t, userId }))
      const left = (t: number, who: string[]) =>
        who.map((userId) => e({ type: 'participant.left', at: t, userId }))
      await store([...joined(at(0), people), ...left(at(1), people)])
      expect(told).toEqual([['participation-drop', 'fired', at(1)]])
      // Hours later the room is still empty: the job has nothing to look at here.
      now = at(180)
      const watch = new AlertWatch(
        db,
        () => now,
        quiet,
        () => {},
      )
      expect(await watch.due(now)).toEqual([])
      expect(await analytics.checkAlerts()).toEqual([])
      // A spike in the same session is something time closes: then the job looks at it.
      await db.kysely
        .insertInto('analytics_alerts')
        .values({ session_id: id, rule: 'rejections-spike', fired_at: at(170), detail: '{}' })
        .execute()
      expect(await watch.due(now)).toEqual([id])
      expect(await analytics.checkAlerts()).toEqual([id])
      expect(told.at(-1)).toEqual(['rejections-spike', 'recovered', at(180)])
      expect(await watch.due(now)).toEqual([])
      // People coming back is an event: the drop recovers as it is recorded.
      await store(joined(at(181), people.slice(0, 3)))
      expect(told.at(-1)).toEqual(['participation-drop', 'recovered', at(181)])
    })

    it('[AN-22] a question waiting 5 minutes fires queue-age once; deciding or withdrawing recovers it', async () => {
      const asked = (q: string, t: number) =>
        e({ type: 'question.asked', at: t, questionId: q, authorId: 'p-a', queued: true })
      await store([asked('q-1', at(0)), asked('q-2', at(1))])
      now = at(4, 59)
      expect(await analytics.checkAlerts()).toEqual([])
      now = at(5)
      expect(await analytics.checkAlerts()).toEqual([id])
      expect(await analytics.checkAlerts()).toEqual([])
      const live = await analytics.reader.live(id)
      expect(live.alerts).toEqual([
        {
          rule: 'queue-age',
          firedAt: at(5),
          detail: {
            present: 0,
            peak: 0,
            asked: 1,
            rejected: 0,
            queue: { waiting: 2, oldestMs: 5 * 60_000 },
          },
        },
      ])
      // Its author takes the oldest back; the other still waits (4 min 20 s): recovered.
      await store([
        e({
          type: 'question.withdrawn',
          at: at(5, 10),
          questionId: 'q-1',
          authorId: 'p-a',
          queued: true,
        }),
      ])
      now = at(5, 20)
      expect(await analytics.checkAlerts()).toEqual([id])
      // q-2 reaches 5 minutes at 09:06: it fires again, and a moderator's approval ends it.
      now = at(6)
      expect(await analytics.checkAlerts()).toEqual([id])
      await store([
        e({
          type: 'question.published',
          at: at(6, 10),
          questionId: 'q-2',
          authorId: 'p-a',
          by: 'mod',
        }),
      ])
      now = at(6, 30)
      expect(await analytics.checkAlerts()).toEqual([id])
      expect(told).toEqual([
        ['queue-age', 'fired', at(5)],
        ['queue-age', 'recovered', at(5, 20)],
        ['queue-age', 'fired', at(6)],
        ['queue-age', 'recovered', at(6, 30)],
      ])
      // A question withdrawn before 5 minutes, or asked 12 hours ago or more, never fires.
      await store([
        asked('q-3', at(7)),
        e({
          type: 'question.withdrawn',
          at: at(8),
          questionId: 'q-3',
          authorId: 'p-a',
          queued: true,
        }),
      ])
      now = at(20)
      expect(await analytics.checkAlerts()).toEqual([])
      await store([asked('q-4', at(21))])
      now = at(21 + 12 * 60, 1)
      expect(await analytics.checkAlerts()).toEqual([])
      expect(told).toHaveLength(4)
      const events = await db.kysely
        .selectFrom('analytics_events')
        .select(['kind', 'detail'])
        .where('kind', '=', 'withdrawn')
        .execute()
      expect(events).toEqual([
        { kind: 'withdrawn', detail: 'queued' },
        { kind: 'withdrawn', detail: 'queued' },
      ])
    })

    it('[AN-27] a session sets its own thresholds and turns rules off; the change applies at once', async () => {
      const asked = (q: string, t: number) =>
        e({ type: 'question.asked', at: t, questionId: q, authorId: 'p-a', queued: true })
      const view = await analytics.setAlertSettings(id, { queueAgeMinutes: 2, off: ['poor-video'] })
      expect(view.settings).toEqual({
        off: ['poor-video'],
        dropMinPeak: 4,
        spikeMinRejected: 5,
        queueAgeMinutes: 2,
        poorVideoPercent: 30,
      })
      expect(view.defaults.queueAgeMinutes).toBe(5)
      await store([asked('q-1', at(0))])
      now = at(1, 59)
      expect(await analytics.checkAlerts()).toEqual([])
      now = at(2)
      expect(await analytics.checkAlerts()).toEqual([id])
      // Poor video is off: three poor reports fire nothing.
      await store([0, 1, 2].map((n) => report(`v-${n}`, at(2, 10 + n), POOR)))
      expect(told).toEqual([['queue-age', 'fired', at(2)]])
      // On again, with the rest kept: it fires now, without waiting for another report.
      now = at(2, 30)
      const on = await analytics.setAlertSettings(id, { off: [] })
      expect(on.settings.queueAgeMinutes).toBe(2)
      expect(told.at(-1)).toEqual(['poor-video', 'fired', at(2, 30)])
      // Every report was poor: even at 95 % it holds, and nothing is told again.
      now = at(2, 40)
      await analytics.setAlertSettings(id, { poorVideoPercent: 95 })
      expect(told).toHaveLength(2)
      // Off again: it recovers at once.
      now = at(2, 50)
      await analytics.setAlertSettings(id, { off: ['poor-video'] })
      expect(told.at(-1)).toEqual(['poor-video', 'recovered', at(2, 50)])
      // Another session keeps the defaults.
      expect((await analytics.alertSettings('session-other')).settings.queueAgeMinutes).toBe(5)
    })
  })
}
