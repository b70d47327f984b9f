import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SECURITY_HEADERS } from '../../lib/view/security-headers.js';

/** A JSON answer of the HTTP API, with the request id and the security headers every response carries. */
export function jsonResponse(
  statusCode: number,
  body: string,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': requestId,
    },
    body,
  };
}

/** `{"error": {"code", "message", "request_id"}}`: a fixed public message, never internals. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(
    statusCode,
    JSON.stringify({ error: { code, message, request_id: requestId } }),
    requestId,
  );
}
