// Runs on the Lambda's Node.js: archives sets of rooms with concurrency C against the simulator
// (which answers every request after latencyMs) and prints the elapsed time of each set.
import { createArchiveService } from '../../lib/archive/service.js';
import { createS3Client, createSecretsManagerClient } from '../../lib/aws.js';
import { readArchiveConfig } from '../../lib/config.js';
import { credentialsProviderFor } from '../../lib/credentials/from-config.js';
import { HappyTalkRoomListClient } from '../../lib/happytalk/room-list.js';
import {
  archiveRoomDriver,
  backfillDriver,
  type DriverName,
  Gate,
  happyTalkGatedDriver,
  type ThroughputDriver,
  type ThroughputSet,
} from '../throughput-drivers.js';

interface Config {
  driver: DriverName;
  warmup: ThroughputSet;
  sets: ThroughputSet[];
  concurrency: number;
  maxMs: number;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
const env = process.env;
const s3 = createS3Client(env);
const secretsManager = createSecretsManagerClient(env);
const archiveConfig = readArchiveConfig(env, { allowLocalToken: false });

function createDriver(name: DriverName): ThroughputDriver {
  switch (name) {
    case 'backfill': {
      const service = createArchiveService(archiveConfig, { s3, secretsManager });
      const rooms = new HappyTalkRoomListClient({
        credentials: credentialsProviderFor(archiveConfig.credentials, { secretsManager }),
        baseUrl: archiveConfig.baseUrl,
      });
      return backfillDriver(rooms, service.archive);
    }
    case 'happytalk-gated': {
      const gate = new Gate(config.concurrency);
      // The whole answer is read inside the gate: a slot is HappyTalk's until its answer has arrived.
      const gatedFetch: typeof fetch = (input, init) =>
        gate.run(async () => {
          const response = await fetch(input, init);
          return new Response(await response.arrayBuffer(), response);
        });
      const service = createArchiveService(archiveConfig, {
        s3,
        secretsManager,
        client: { fetch: gatedFetch },
      });
      return happyTalkGatedDriver(service.archive, gate);
    }
    case 'archive-room':
      return archiveRoomDriver(createArchiveService(archiveConfig, { s3, secretsManager }).archive);
  }
}

const driver = createDriver(config.driver);
// Secret fetched, connections opened, code warm: none of it is timed.
await driver.archiveAll(config.warmup, config.concurrency);
const runs: { elapsedMs: number; archived: number; rooms: number }[] = [];
const started = performance.now();
for (const set of config.sets) {
  const start = performance.now();
  const archived = await driver.archiveAll(set, config.concurrency);
  runs.push({ elapsedMs: performance.now() - start, archived, rooms: set.roomIds.length });
  if (performance.now() - started > config.maxMs) break;
}
s3.destroy();
secretsManager.destroy();
process.stdout.write(
  `\nBENCH ${JSON.stringify({ driver: driver.name, description: driver.description, runs })}\n`,
);
// Idle keep-alive sockets must not hold the process open.
process.exit(0);
