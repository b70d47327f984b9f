import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A JSON answer of the HTTP API, with the request id every response carries. */
export function jsonResponse(
  statusCode: number,
  body: string,
  requestId: string,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': requestId,
      'cache-control': 'no-store',
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
