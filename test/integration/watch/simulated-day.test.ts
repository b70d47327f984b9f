import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateLiveRooms,
  type LiveRoomPlan,
  ROOM_LIST_FAULT_KEY,
  seoulDatetime,
} from '../../../dev/simulator/index.js';
import type { WatchPassReport } from '../../../lib/watch/watcher.js';
import { MINUTE, percentile, startWatchWorld, type WatchWorld } from './support.js';

// Midnight in Seoul, 2024-06-12: the day the watcher is deployed.
const DAY_START = new Date('2024-06-11T15:00:00Z');
const INTERVAL = 5 * MINUTE;
const OVERLAP = 10 * MINUTE;
const OUTAGE = { from: at(14, 0), to: at(15, 0) };

function at(hour: number, minute: number, second = 0): Date {
  return new Date(DAY_START.getTime() + ((hour * 60 + minute) * 60 + second) * 1000);
}

// Rooms registered through the day, open from a minute to four hours (so most are seen open first), 30%
// ending in the chatbot (4), 10% never finishing.
const DAY = generateLiveRooms({
  start: DAY_START,
  spanMs: 23.5 * 60 * MINUTE,
  rooms: 200,
  seed: 11,
  openForMs: [MINUTE, 4 * 60 * MINUTE],
});
// Registered days before they finish: a listing by registration date must still reach them.
const EARLY: LiveRoomPlan[] = [at(10, 0), at(10, 2), at(16, 30), at(20, 0)].map((finishesAt, index) => ({
  roomId: `registeredDaysBefore${index}`,
  registeredAt: new Date(DAY_START.getTime() - (3 - index * 0.5) * 24 * 60 * MINUTE),
  finishesAt,
  finalStatus: index % 2 ? '4' : '2',
}));
// 70 rooms finishing within one interval: more than a page of 50.
const BURST: LiveRoomPlan[] = Array.from({ length: 70 }, (_, index) => ({
  roomId: `burst${index}`,
  registeredAt: at(11, 0, index),
  finishesAt: at(12, 0, 10 + index * 4),
  finalStatus: index % 3 ? '2' : '4',
  openStatus: index % 2 ? '-1' : '1',
}));
const PLANS = [...DAY, ...EARLY, ...BURST];
const FINISHING = PLANS.filter((plan) => plan.finishesAt !== undefined);
const LAST_FINISH = Math.max(...FINISHING.map((plan) => plan.finishesAt?.getTime() ?? 0));

let world: WatchWorld;
const reports: WatchPassReport[] = [];

beforeAll(async () => {
  world = await startWatchWorld(DAY_START, PLANS);
  const watcher = world.watcher();
  // The schedule: a pass every interval, from the deployment until every planned room has finished.
  for (let time = DAY_START.getTime() + INTERVAL; time <= LAST_FINISH + INTERVAL; time += INTERVAL) {
    world.clock.now = new Date(time);
    const down = time >= OUTAGE.from.getTime() && time < OUTAGE.to.getTime();
    world.stack.simulator.setFault(ROOM_LIST_FAULT_KEY, down ? { kind: 'status', status: 503 } : undefined);
    reports.push(await watcher.runPass());
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a simulated day of the completion watcher', () => {
  it('archives every finished room exactly once, and no room that did not finish', async () => {
    // Act
    const versions = PLANS.map((plan) => [plan.roomId, world.transcriptVersions(plan.roomId)] as const);

    // Assess
    const expected = PLANS.map((plan) => [plan.roomId, plan.finishesAt === undefined ? 0 : 1] as const);
    expect(versions).toEqual(expected);
    expect(FINISHING.filter((plan) => plan.finalStatus === '4').length).toBeGreaterThan(50);
    expect(PLANS.length - FINISHING.length).toBeGreaterThan(10);
    // Most rooms stay open across passes: they are listed open, then finished.
    expect(
      FINISHING.filter(
        (plan) => (plan.finishesAt?.getTime() ?? 0) - plan.registeredAt.getTime() > 2 * INTERVAL,
      ).length,
    ).toBeGreaterThan(150);
  });

  it('archives each room as HappyTalk finished it, within one interval and the overlap, or the outage', async () => {
    // Act
    const lags = await Promise.all(
      FINISHING.map(async (plan) => {
        const index = await world.index(plan.roomId);
        // HappyTalk's time of completion, to the second, as the room says.
        const finishedAt = Date.parse(
          `${seoulDatetime(plan.finishesAt ?? new Date(0)).replace(' ', 'T')}+09:00`,
        );
        return {
          plan,
          index,
          seconds: (Date.parse(index?.archived_at ?? '') - finishedAt) / 1000,
          duringOutage: finishedAt >= OUTAGE.from.getTime() - INTERVAL && finishedAt < OUTAGE.to.getTime(),
        };
      }),
    );

    // Assess
    for (const { plan, index } of lags) {
      expect(index).toMatchObject({
        chat_status: plan.finalStatus,
        completed_at: `${seoulDatetime(plan.finishesAt ?? new Date(0)).replace(' ', 'T')}+09:00`,
      });
    }
    const normal = lags.filter((lag) => !lag.duringOutage).map((lag) => lag.seconds);
    const outage = lags.filter((lag) => lag.duringOutage).map((lag) => lag.seconds);
    expect(Math.min(...normal)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...normal)).toBeLessThanOrEqual((INTERVAL + OVERLAP) / 1000);
    expect(outage.length).toBeGreaterThan(3);
    expect(Math.max(...outage)).toBeLessThanOrEqual(
      (OUTAGE.to.getTime() - OUTAGE.from.getTime() + INTERVAL) / 1000,
    );
    const all = lags.map((lag) => lag.seconds).sort((a, b) => a - b);
    const sortedNormal = [...normal].sort((a, b) => a - b);
    console.info(
      `completion-to-archive over the simulated day (${all.length} rooms, ${INTERVAL / MINUTE}-minute interval): ` +
        `p50 ${percentile(all, 0.5)} s, p99 ${percentile(all, 0.99)} s, max ${all.at(-1)} s; ` +
        `outside the hour-long outage (${normal.length} rooms): p50 ${percentile(sortedNormal, 0.5)} s, ` +
        `p99 ${percentile(sortedNormal, 0.99)} s`,
    );
  });

  it('never moves the watermark back, holds it through the outage, and catches up at once after', () => {
    // Act
    const watermarks = reports.map((report) => Date.parse(report.watermark ?? ''));
    const duringOutage = reports.filter(
      (report) =>
        Date.parse(report.started_at) >= OUTAGE.from.getTime() &&
        Date.parse(report.started_at) < OUTAGE.to.getTime(),
    );

    // Assess
    expect(watermarks.every((watermark, i) => i === 0 || watermark >= (watermarks[i - 1] ?? 0))).toBe(true);
    expect(duringOutage).toHaveLength(12);
    expect(
      duringOutage.every((report) => !report.advanced && report.aborted?.code === 'UPSTREAM_UNAVAILABLE'),
    ).toBe(true);
    const others = reports.filter((report) => !duringOutage.includes(report));
    // Every other pass covered its window to its start; it wrote its start as the watermark, unless
    // no room finished in its window (then the next pass checks the same rooms either way).
    expect(others.every((report) => report.covered_to === report.started_at)).toBe(true);
    expect(
      others.every((report) =>
        report.advanced ? report.watermark === report.started_at : report.finished === 0,
      ),
    ).toBe(true);
    expect(others.filter((report) => report.advanced).length).toBeGreaterThan(others.length / 2);
    // The last pass of the outage, at 14:55, still reports the last pass covered before it, at 13:55.
    expect(Math.max(...reports.map((report) => report.lag_seconds ?? 0))).toBe(60 * 60);
  });

  it('finds every room of the burst in the pass after it, reading past the first page', () => {
    // Act
    const pass = reports.find((report) => report.started_at === at(12, 5).toISOString());

    // Assess
    expect(pass).toMatchObject({ archived: expect.any(Number), failures: [] });
    expect(pass?.archived).toBeGreaterThanOrEqual(70);
    expect(pass?.seen).toBeGreaterThan(50);
  });
});
