/**
 * The Content-Security-Policy of every transcript page (written literally in
 * its `<meta>`, and sent as a header): no scripts, no requests, styles only
 * inline and images only as `data:` URIs.
 */
export const TRANSCRIPT_VIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * The headers of every answer of the HTTP API, JSON and HTML alike: the view's
 * policy (a JSON answer opened in a browser runs nothing either), no content
 * sniffing, no referrer, and no caching of personal data.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': TRANSCRIPT_VIEW_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
