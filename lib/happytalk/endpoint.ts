import { ConfigurationError } from '../errors.js';

/** HappyTalk's production host; the development host is {@link HAPPYTALK_DEV_BASE_URL}. */
export const HAPPYTALK_PROD_BASE_URL = 'https://customer.happytalk.io';
export const HAPPYTALK_DEV_BASE_URL = 'https://patch-customer.happytalk.io';

/**
 * The URL of a HappyTalk API path below a base URL, refusing anything but
 * http(s) without credentials, query or fragment.
 */
export function happyTalkEndpoint(baseUrl: string, path: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`invalid HappyTalk base URL ${JSON.stringify(baseUrl)}: not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`invalid HappyTalk base URL ${JSON.stringify(baseUrl)}: use https`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError(
      `invalid HappyTalk base URL ${JSON.stringify(url.origin)}: no credentials, query or fragment`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}`;
}
