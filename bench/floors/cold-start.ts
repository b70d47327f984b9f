/**
 * The cold-start floor: what any archive function must load and construct
 * before its first request, and nothing else. Bundled with the same esbuild
 * settings as the functions (`lambdaBundleOptions` in scripts/build.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const region = process.env.AWS_REGION;
export const s3 = new S3Client(region ? { region } : {});
export const secretsManager = new SecretsManagerClient(region ? { region } : {});

export async function handler(): Promise<{ statusCode: number }> {
  return { statusCode: 204 };
}
