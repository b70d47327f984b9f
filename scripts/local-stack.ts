/**
 * `npm start`: runs the archive on loopback (HappyTalk simulator, a versioned local S3,
 * Secrets Manager, SQS and the HTTP API) until Ctrl-C, and prints how to use it.
 * Ports: LOCAL_API_PORT (3000), SIMULATOR_PORT (8787), LOCAL_S3_PORT (4569),
 * LOCAL_SECRETS_MANAGER_PORT (4584), LOCAL_SQS_PORT (4576). LOCAL_API_AUTH=iam
 * makes the HTTP API refuse unsigned requests, as API Gateway's IAM
 * authorization does (signatures are always checked). The functions' EMF
 * metrics stay off the console: `npm start` sets POWERTOOLS_METRICS_DISABLED.
 */
import { fileURLToPath } from 'node:url';
import {
  LOCAL_BUCKET,
  LOCAL_DEMO_ROOM_ID,
  LOCAL_WATCH_INTERVAL_MS,
  type LocalApiAuth,
  startLocalStack,
} from '../dev/local-stack.js';
import { controlCompletePath, SAMPLE_ROOM_IDS, simulatorOptionsFromEnv } from '../dev/simulator/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const simulatorOptions = simulatorOptionsFromEnv({ SIMULATOR_PORT: '8787', ...process.env });
const apiAuth = process.env.LOCAL_API_AUTH?.trim() || 'optional';
if (apiAuth !== 'optional' && apiAuth !== 'iam') {
  process.stderr.write(`LOCAL_API_AUTH must be "iam" or "optional", got ${JSON.stringify(apiAuth)}\n`);
  process.exit(2);
}
const stack = await startLocalStack({
  directory: `${root}.local`,
  ports: {
    api: port('LOCAL_API_PORT', 3000),
    simulator: simulatorOptions.port ?? 8787,
    s3: port('LOCAL_S3_PORT', 4569),
    secretsManager: port('LOCAL_SECRETS_MANAGER_PORT', 4584),
    sqs: port('LOCAL_SQS_PORT', 4576),
  },
  simulator: simulatorOptions,
  apiAuth: apiAuth as LocalApiAuth,
});

const room = SAMPLE_ROOM_IDS.completed;
process.stdout.write(`
happytalk-archive local stack is running (Ctrl-C to stop)
  HappyTalk simulator  ${stack.simulator.url}   token: ${stack.cliEnv.HAPPYTALK_TOKEN}
  S3 (local, versioned) ${stack.s3.endpoint}  bucket: ${LOCAL_BUCKET}, files in .local/s3/
  HTTP API             ${stack.apiUrl}   ${apiAuth === 'iam' ? 'SigV4-signed requests only (LOCAL_API_AUTH=iam)' : 'signed or not (LOCAL_API_AUTH=iam: signed only)'}
  CLI environment      .local/stack.env

The completion watcher runs every ${LOCAL_WATCH_INTERVAL_MS / 1000} s: rooms that finish in the simulator are
archived without a command (a few live rooms finish by themselves over the next 15 minutes).
Finish the demo room, then look for it in the archive within a minute:
  curl -s -X POST ${stack.simulator.url}${controlCompletePath(LOCAL_DEMO_ROOM_ID)}
  npx happytalk-archive --env-file .local/stack.env get ${LOCAL_DEMO_ROOM_ID}

Sample rooms: ${Object.entries(SAMPLE_ROOM_IDS)
  .map(([name, id]) => `${name}=${id}`)
  .join('  ')}

Archive a sample room with the CLI (in another terminal):
  npx happytalk-archive --env-file .local/stack.env archive ${room}
Read it back, and its redacted copy (personal data masked, the customer pseudonymized with the local key):
  npx happytalk-archive --env-file .local/stack.env get ${room}
  npx happytalk-archive --env-file .local/stack.env get ${room} --redacted

A room of today, with template V2 messages (bot keywords, link buttons, an image):
  npx happytalk-archive --env-file .local/stack.env archive ${SAMPLE_ROOM_IDS.templatesV2}
  curl -s '${stack.apiUrl}/rooms/${SAMPLE_ROOM_IDS.templatesV2}/archive?format=html' > v2-room.html

Or through the Lambda handlers:
  curl -s -X POST ${stack.apiUrl}/rooms/${room}/archive
  curl -s ${stack.apiUrl}/rooms/${room}/archive
  curl -s '${stack.apiUrl}/rooms/${room}/archive?format=html' > room.html
  curl -s '${stack.apiUrl}/rooms/${room}/archive?format=redacted'
  curl -s ${stack.apiUrl}/rooms/${room}/archive/versions
  curl -s -X POST ${stack.apiUrl}/events -H 'content-type: application/json' \\
    -d '{"source":"happytalk","detail-type":"Chat Completed","detail":{"room_id":"${SAMPLE_ROOM_IDS.images}"}}'

Check it as a deployed stack is checked after a deploy (SigV4-signed, one line per check):
  npx happytalk-archive --env-file .local/stack.env smoke --api-url ${stack.apiUrl} --bucket ${LOCAL_BUCKET} --room-id ${room} --skip-athena

The objects land in s3://${LOCAL_BUCKET}/ under
  raw/year=YYYY/month=MM/day=DD/<room_id>.json
  transcripts/year=YYYY/month=MM/day=DD/<room_id>.json
  redacted/year=YYYY/month=MM/day=DD/<room_id>.json
  index/rooms/<room_id>.json
`);

const stop = () => {
  stack.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
