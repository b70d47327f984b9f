/**
 * The per-room floor: the same HTTP POST to HappyTalk and the same PutObject
 * calls as archiving a room (raw bytes and transcript at once, then the
 * index; with `copy`, the redacted copy's PUT in the same group, its body
 * the same line), with plain `JSON.parse` and `JSON.stringify` as the whole
 * transformation, and nothing else.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface FloorArchiverOptions {
  /** The `chat_data` URL. */
  readonly endpoint: string;
  readonly token: string;
  readonly s3: S3Client;
  readonly bucket: string;
  /** Also the redacted copy's PUT (a deployment's default). */
  readonly copy?: boolean;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
// The archive's metadata has a hex SHA-256: the floor sends a value as long, without hashing.
const PLACEHOLDER_SHA256 = '0'.repeat(64);

export function floorArchiver(options: FloorArchiverOptions): (roomId: string) => Promise<void> {
  const put = (key: string, body: string | Uint8Array, roomId: string) =>
    options.s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: key,
        Body: body,
        ContentType: JSON_CONTENT_TYPE,
        Metadata: { 'room-id': roomId, sha256: PLACEHOLDER_SHA256, 'schema-version': '1' },
      }),
    );
  return async (roomId) => {
    const response = await fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': JSON_CONTENT_TYPE, accept: 'application/json' },
      body: JSON.stringify({ token: options.token, room_id: roomId }),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) throw new Error(`floor: HTTP ${response.status} for room ${roomId}`);
    const document: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const line = `${JSON.stringify(document)}\n`;
    await Promise.all([
      put(`floor/raw/${roomId}.json`, bytes, roomId),
      put(`floor/transcripts/${roomId}.json`, line, roomId),
      ...(options.copy ? [put(`floor/redacted/${roomId}.json`, line, roomId)] : []),
    ]);
    await put(
      `floor/index/${roomId}.json`,
      JSON.stringify({ room_id: roomId, bytes: bytes.byteLength }),
      roomId,
    );
  };
}
