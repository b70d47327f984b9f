/**
 * The routes of the HTTP API, once: which function serves each. The
 * infrastructure builds the API's routes and `grantInvokeApi` from it, the
 * functions answer by it, the local stack's HTTP server matches requests
 * with it, and the tests build their events from it. Pure: no SDK, nothing
 * read at import.
 */

/** The bundle behind each route (`functions/<name>.ts`), in the order the API declares them. */
export const API_ROUTES = {
  'POST /rooms/{room_id}/archive': 'http-api',
  'GET /rooms/{room_id}/archive': 'retrieval-api',
  'GET /rooms/{room_id}/archive/versions': 'retrieval-api',
} as const;

/** A route key, as API Gateway writes it into an event's `routeKey`: `METHOD /path/{param}`. */
export type ApiRoute = keyof typeof API_ROUTES;

/** Every route, in the order the API declares them. */
export const API_ROUTE_KEYS = Object.keys(API_ROUTES) as ApiRoute[];

/** The routes by what they do. */
export const ROUTE = {
  archive: 'POST /rooms/{room_id}/archive',
  read: 'GET /rooms/{room_id}/archive',
  versions: 'GET /rooms/{room_id}/archive/versions',
} as const satisfies Record<string, ApiRoute>;

/** The method and the path template of a route key. */
export function routeParts(route: string): { method: string; path: string } {
  const space = route.indexOf(' ');
  return { method: route.slice(0, space), path: route.slice(space + 1) };
}

/** The path of a route for one room: `{room_id}` replaced by the room id, percent-encoded. */
export function routePath(route: string, roomId: string): string {
  return routeParts(route).path.replace('{room_id}', encodeURIComponent(roomId));
}

/**
 * The route a request takes, as API Gateway matches it: the method and the
 * path (a trailing slash tolerated), with the room id as given in the path
 * (still percent-encoded); undefined when no route matches.
 */
export function matchRoute(
  method: string,
  path: string,
): { route: ApiRoute; encodedRoomId: string } | undefined {
  for (const route of API_ROUTE_KEYS) {
    const parts = routeParts(route);
    if (parts.method !== method.toUpperCase()) continue;
    const [before, after] = parts.path.split('{room_id}') as [string, string];
    const trimmed = path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path;
    if (trimmed.length < before.length + after.length) continue;
    if (!trimmed.startsWith(before) || !trimmed.endsWith(after)) continue;
    const encodedRoomId = trimmed.slice(before.length, trimmed.length - after.length);
    if (!encodedRoomId.includes('/')) return { route, encodedRoomId };
  }
  return undefined;
}
