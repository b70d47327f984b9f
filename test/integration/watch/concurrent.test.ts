import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLiveRooms } from '../../../dev/simulator/index.js';
import type { S3Port } from '../../../lib/archive/s3-objects.js';
import { WATCHER_STATE_KEY } from '../../../lib/watch/state.js';
import type { WatchPassReport } from '../../../lib/watch/watcher.js';
import { MINUTE, startWatchWorld, type WatchWorld } from './support.js';

const START = new Date('2024-06-12T00:00:00Z');
const INTERVAL = 5 * MINUTE;
const ROUNDS = 36;
const PLANS = generateLiveRooms({
  start: START,
  spanMs: 150 * MINUTE,
  rooms: 60,
  seed: 5,
  openForMs: [MINUTE, 30 * MINUTE],
});

/**
 * Holds the first write of the watcher state in each round until the other
 * watcher's arrives too, so that both write from the same state: one of them
 * must lose the conditional write.
 */
class StateWriteGate {
  #waiting: (() => void)[] = [];
  #open = false;

  nextRound(): void {
    this.#open = false;
    this.#waiting = [];
  }

  /** A run ended (without writing, when it found nothing new): the other one's write goes on alone. */
  open(): void {
    this.#open = true;
    for (const release of this.#waiting) release();
  }

  wrap(s3: S3Port): S3Port {
    const send = ((command: unknown) => {
      const isStateWrite =
        command instanceof PutObjectCommand && command.input.Key === WATCHER_STATE_KEY && !this.#open;
      if (!isStateWrite) return s3.send(command as never);
      return this.#arrive().then(() => s3.send(command as never));
    }) as S3Port['send'];
    return { send };
  }

  #arrive(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (this.#waiting.length === 2) {
        this.#open = true;
        for (const release of this.#waiting) release();
      }
    });
  }
}

let world: WatchWorld;
const rounds: { watermark: string; reports: WatchPassReport[] }[] = [];

beforeAll(async () => {
  world = await startWatchWorld(START, PLANS);
  const gate = new StateWriteGate();
  // Two runs at once, the second one's clock 20 s behind the first's.
  const ahead = world.watcher({ s3: gate.wrap(world.s3) });
  const behind = world.watcher({
    s3: gate.wrap(world.s3),
    now: () => new Date(world.clock.now.getTime() - 20_000),
  });
  for (let round = 1; round <= ROUNDS; round++) {
    world.clock.now = new Date(START.getTime() + round * INTERVAL);
    gate.nextRound();
    const reports = await Promise.all(
      [ahead, behind].map((watcher) => watcher.runPass().finally(() => gate.open())),
    );
    const state = JSON.parse((await world.stack.getObject(WATCHER_STATE_KEY)).body.toString('utf8')) as {
      watermark: string;
    };
    rounds.push({ watermark: state.watermark, reports });
  }
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('two completion watchers running at once', () => {
  it('race on every state write, and the watermark never goes back nor skips past the later run', () => {
    // Act
    const watermarks = rounds.map((round) => Date.parse(round.watermark));
    const roundStart = (i: number) => new Date(START.getTime() + (i + 1) * INTERVAL).toISOString();
    const bothWrote = rounds.filter((round) => round.reports.every((report) => report.finished > 0));

    // Assess
    expect(bothWrote.length).toBeGreaterThan(ROUNDS / 2);
    expect(world.front.preconditionFailures).toBeGreaterThanOrEqual(bothWrote.length);
    expect(watermarks.every((watermark, i) => i === 0 || watermark >= (watermarks[i - 1] ?? 0))).toBe(true);
    // A round moves the watermark to the later run's start, unless neither run found a room finished in
    // its window (then neither writes it).
    for (const [i, round] of rounds.entries()) {
      const wrote = round.reports.some((report) => report.finished > 0);
      const before = rounds[i - 1]?.watermark ?? START.toISOString();
      expect(round.watermark, `round ${i + 1}`).toBe(wrote ? roundStart(i) : before);
    }
    expect(rounds.every((round) => round.reports.every((report) => report.failures.length === 0))).toBe(true);
  });

  it('archive every room that finished exactly once between them', () => {
    // Act
    const versions = PLANS.map((plan) => [plan.roomId, world.transcriptVersions(plan.roomId)] as const);

    // Assess
    const end = START.getTime() + ROUNDS * INTERVAL;
    expect(versions).toEqual(
      PLANS.map(
        (plan) =>
          [plan.roomId, plan.finishesAt !== undefined && plan.finishesAt.getTime() <= end ? 1 : 0] as const,
      ),
    );
    expect(versions.filter(([, count]) => count === 1).length).toBeGreaterThan(40);
  });
});
