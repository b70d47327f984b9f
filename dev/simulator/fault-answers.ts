/**
 * The bodies the simulator's faults answer with, imitating what sits in front
 * of HappyTalk's PHP application when something breaks: nginx error pages, a
 * maintenance page, a PHP fatal error.
 */
import type { SimulatorFault } from './faults.js';
import { type Answer, JSON_CONTENT_TYPE } from './http.js';

/** The `wrong-shape` body: valid JSON, `data` an object instead of an array. */
export const WRONG_SHAPE_BODY = '{"result":"success","data":{"chat":"x"}}';

/** The `html` body: a Korean maintenance page served with status 200. */
export const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html lang="ko">
<head><meta charset="utf-8"><title>서비스 점검 안내</title></head>
<body>
<h1>서비스 점검 중입니다</h1>
<p>보다 나은 서비스를 위해 시스템 점검을 진행하고 있습니다. 잠시 후 다시 이용해 주세요.</p>
</body>
</html>
`;

/** The `not-json` body: PHP's fatal error output, served as JSON. */
export const PHP_FATAL_ERROR =
  '<br />\n<b>Fatal error</b>:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) ' +
  'in <b>/var/www/html/application/controllers/api/User.php</b> on line <b>812</b><br />\n';

/** Reason phrases as nginx writes them. */
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

function nginxErrorPage(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function guessContentType(body: string): string {
  const start = body.trimStart().charAt(0);
  if (start === '<') {
    return 'text/html; charset=utf-8';
  }
  if (start === '{' || start === '[') {
    return JSON_CONTENT_TYPE;
  }
  return 'text/plain; charset=utf-8';
}

/**
 * The answer of a `status` fault: the given body, or an nginx page for 5xx and
 * the reason phrase otherwise; `Retry-After` when given, and 1 second for 429.
 */
export function statusFaultAnswer(fault: Extract<SimulatorFault, { kind: 'status' }>): Answer {
  const reason = REASONS[fault.status];
  const title = reason === undefined ? String(fault.status) : `${fault.status} ${reason}`;
  const body = fault.body ?? (fault.status >= 500 ? nginxErrorPage(title) : `${reason ?? title}\n`);
  const headers: Record<string, string> = { 'Content-Type': fault.contentType ?? guessContentType(body) };
  const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) {
    headers['Retry-After'] = String(retryAfter);
  }
  return { status: fault.status, headers, body };
}
