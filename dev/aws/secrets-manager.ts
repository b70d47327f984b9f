import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fault the local Secrets Manager answers with instead of the secret (for tests). */
export type SecretsManagerFault =
  | 'ThrottlingException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'InternalServiceError';

/**
 * A minimal Secrets Manager endpoint speaking the AWS JSON 1.1 protocol, enough
 * for `GetSecretValue`. It lets the real SDK client (through
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`) run against loopback in the local stack
 * and in tests. It does not check signatures.
 */
export interface LocalSecretsManager {
  readonly endpoint: string;
  /** GetSecretValue calls received, by secret id. */
  readonly calls: string[];
  setSecret(secretId: string, value: string): void;
  deleteSecret(secretId: string): void;
  /** Answers every call with this error until cleared with `undefined`. */
  setFault(fault: SecretsManagerFault | undefined): void;
  close(): Promise<void>;
}

export async function startLocalSecretsManager(
  options: { host?: string; port?: number; secrets?: Record<string, string> } = {},
): Promise<LocalSecretsManager> {
  const secrets = new Map(Object.entries(options.secrets ?? {}));
  const calls: string[] = [];
  let fault: SecretsManagerFault | undefined;

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
      return sendError(response, 400, 'UnknownOperationException', `unsupported operation ${String(target)}`);
    }
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
    } catch {
      return sendError(response, 400, 'SerializationException', 'the body is not JSON');
    }
    if (typeof secretId !== 'string')
      return sendError(response, 400, 'InvalidParameterException', 'SecretId');
    calls.push(secretId);
    if (fault === 'InternalServiceError') return sendError(response, 500, fault, 'internal error');
    if (fault) return sendError(response, 400, fault, `simulated ${fault}`);
    const name = secretName(secretId);
    const value = secrets.get(secretId) ?? secrets.get(name);
    if (value === undefined) {
      return sendError(
        response,
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    send(response, 200, {
      ARN: secretId.startsWith('arn:')
        ? secretId
        : `arn:aws:secretsmanager:ap-northeast-2:000000000000:secret:${name}-AbCdEf`,
      Name: name,
      SecretString: value,
      VersionId: randomUUID(),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    });
  });
  server.keepAliveTimeout = 1000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${host}:${port}`,
    calls,
    setSecret: (id, value) => secrets.set(id, value),
    deleteSecret: (id) => secrets.delete(id),
    setFault: (next) => {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function secretName(secretId: string): string {
  const match = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(secretId);
  return match?.[1] ?? secretId;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, { __type: type, message });
}
