import { generateHistory, type SimRoom } from '../dev/simulator/index.js';
import { ROOT, runJsonChild, TSX_IMPORT } from './processes.js';
import { resultsTable } from './report.js';
import { benchResult, median } from './results.js';
import { startBenchStack } from './stack.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';
import type { DriverName, ThroughputSet } from './throughput-drivers.js';

interface ThroughputRuns {
  driver: string;
  description: string;
  runs: { elapsedMs: number; archived: number; rooms: number }[];
}

/**
 * Throughput: rooms archived per second with concurrency C against a
 * simulator that answers every request after L ms, against the ideal C/L.
 */
export async function measureThroughput(context: SuiteContext): Promise<SuiteOutcome> {
  const latencyMs = context.smoke ? 20 : 200;
  const concurrency = context.smoke ? 2 : 8;
  const messageCount = 50;
  // Backfill sets are long (its room list pages cost HappyTalk requests too); the others shorter.
  const shapes: Record<DriverName, { sets: number; days: number; roomsPerDay: number }> = context.smoke
    ? {
        backfill: { sets: 1, days: 1, roomsPerDay: 4 },
        'archive-room': { sets: 1, days: 1, roomsPerDay: 4 },
        'happytalk-gated': { sets: 1, days: 1, roomsPerDay: 4 },
      }
    : {
        backfill: { sets: 2, days: 10, roomsPerDay: 32 },
        'archive-room': { sets: 3, days: 2, roomsPerDay: 48 },
        'happytalk-gated': { sets: 3, days: 2, roomsPerDay: 48 },
      };
  let month = 0;
  const history = (days: number, roomsPerDay: number): { set: ThroughputSet; rooms: SimRoom[] } => {
    month += 1;
    const from = `${2020 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`;
    const rooms = generateHistory({
      from,
      days,
      roomsPerDay,
      seed: month,
      messageCount: [messageCount, messageCount],
      statusMix: { '2': 1 },
    });
    const to = new Date(Date.parse(`${from}T00:00:00Z`) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
    return { set: { from, to, roomIds: rooms.map((room) => String(room.chat.id)) }, rooms };
  };
  const plan = (Object.keys(shapes) as DriverName[]).map((driver) => {
    const shape = shapes[driver];
    return {
      driver,
      warmup: history(1, concurrency),
      sets: Array.from({ length: shape.sets }, () => history(shape.days, shape.roomsPerDay)),
    };
  });
  const allRooms = plan.flatMap(({ warmup, sets }) => [
    ...warmup.rooms,
    ...sets.flatMap(({ rooms }) => rooms),
  ]);
  if (new Set(allRooms.map((room) => String(room.chat.id))).size !== allRooms.length) {
    throw new Error('the generated histories share room ids');
  }
  const stack = await startBenchStack({
    workDir: context.workDir,
    rooms: allRooms,
    simulator: { latencyMs },
  });
  const outcomes = new Map<DriverName, ThroughputRuns>();
  try {
    // Encoded before timing (the simulator caches each room's answer).
    await stack.prime(allRooms.map((room) => String(room.chat.id)));
    for (const { driver, warmup, sets } of plan) {
      const outcome = await runJsonChild<ThroughputRuns>(
        context.runtime.binary,
        [...TSX_IMPORT, `${ROOT}bench/runners/throughput.ts`],
        {
          env: {
            ...stack.env,
            BENCH_CONFIG: JSON.stringify({
              driver,
              warmup: warmup.set,
              sets: sets.map(({ set }) => set),
              concurrency,
              maxMs: context.smoke ? 20_000 : 60_000,
            }),
          },
          timeoutMs: context.smoke ? 60_000 : 150_000,
        },
      );
      for (const run of outcome.runs) {
        if (run.archived !== run.rooms)
          throw new Error(`${driver}: ${run.archived} of ${run.rooms} rooms archived`);
      }
      outcomes.set(driver, outcome);
    }
  } finally {
    await stack.close();
  }

  const ideal = concurrency / (latencyMs / 1000);
  const rate = (driver: DriverName) =>
    median(outcomes.get(driver)?.runs.map((run) => run.rooms / (run.elapsedMs / 1000)) ?? [Number.NaN]);
  const results = [
    benchResult({
      name: 'throughput.rooms_per_second',
      value: rate('backfill'),
      unit: 'rooms/s',
      floor: ideal,
      budget: { limit: 0.95, kind: 'min' },
    }),
    benchResult({
      name: 'throughput.rooms_per_second.archive_room',
      value: rate('archive-room'),
      unit: 'rooms/s',
      floor: ideal,
    }),
    benchResult({
      name: 'throughput.rooms_per_second.happytalk_gated',
      value: rate('happytalk-gated'),
      unit: 'rooms/s',
      floor: ideal,
    }),
  ];
  const describe = (driver: DriverName) => {
    const outcome = outcomes.get(driver);
    const shape = shapes[driver];
    return `driver \`${driver}\`: ${outcome?.description}; ${outcome?.runs.length} set(s) of ${shape.days} day(s) × ~${shape.roomsPerDay} rooms`;
  };
  const section = [
    '## 5. Throughput',
    '',
    `The simulator answers every request (\`chat_data\` and the room list) after L = ${latencyMs} ms; fresh`,
    `${messageCount}-message completed rooms are archived with concurrency C = ${concurrency} on ${context.runtime.label},`,
    `against the local S3 in a process of its own. The floor is the ideal C/L = ${ideal.toFixed(0)} rooms/s (every slot always`,
    'waiting on HappyTalk, everything else free); the budget is a minimum: at least 95% of it. Each figure is the',
    'median rate over its sets; a warm-up set (one day of C rooms: secret, connections, JIT) is not timed.',
    '',
    `- \`throughput.rooms_per_second\` (budgeted): ${describe('backfill')}. A slot is held from a room's`,
    '  HappyTalk request to its last S3 write, and the room list pages take slots too.',
    `- \`throughput.rooms_per_second.archive_room\`: ${describe('archive-room')}: the same slots, without the listing.`,
    `- \`throughput.rooms_per_second.happytalk_gated\`: ${describe('happytalk-gated')}: C bounds the load on HappyTalk,`,
    "  and a room's S3 writes no longer hold a HappyTalk slot.",
    '',
    resultsTable(results, 'min'),
  ].join('\n');
  return { results, section };
}
