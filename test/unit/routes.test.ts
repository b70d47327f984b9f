import { describe, expect, it } from 'vitest';
import {
  API_ROUTE_KEYS,
  API_ROUTES,
  matchRoute,
  ROUTE,
  routeParts,
  routePath,
} from '../../functions/routes.js';

describe('the route table', () => {
  it('names the three routes of the API and the function behind each, in the order they are declared', () => {
    // Assess
    expect(API_ROUTE_KEYS).toEqual([
      'POST /rooms/{room_id}/archive',
      'GET /rooms/{room_id}/archive',
      'GET /rooms/{room_id}/archive/versions',
    ]);
    expect(API_ROUTES).toEqual({
      'POST /rooms/{room_id}/archive': 'http-api',
      'GET /rooms/{room_id}/archive': 'retrieval-api',
      'GET /rooms/{room_id}/archive/versions': 'retrieval-api',
    });
    expect(Object.values(ROUTE).sort()).toEqual([...API_ROUTE_KEYS].sort());
  });

  it('splits a route key into its method and path template', () => {
    // Act
    const parts = routeParts(ROUTE.versions);

    // Assess
    expect(parts).toEqual({ method: 'GET', path: '/rooms/{room_id}/archive/versions' });
  });

  it('fills the path of a route with a room id, percent-encoded', () => {
    // Act
    const path = routePath(ROUTE.read, 'a/b c');

    // Assess
    expect(path).toBe('/rooms/a%2Fb%20c/archive');
  });
});

describe('matchRoute', () => {
  it.each([
    ['POST', '/rooms/abc/archive', ROUTE.archive, 'abc'],
    ['GET', '/rooms/abc/archive', ROUTE.read, 'abc'],
    ['get', '/rooms/abc/archive/', ROUTE.read, 'abc'],
    ['GET', '/rooms/abc/archive/versions', ROUTE.versions, 'abc'],
    ['GET', '/rooms/a%2Fb/archive', ROUTE.read, 'a%2Fb'],
    ['GET', '/rooms//archive', ROUTE.read, ''],
  ])('matches %s %s to its route and room id', (method, path, route, encodedRoomId) => {
    // Act
    const match = matchRoute(method, path);

    // Assess
    expect(match).toEqual({ route, encodedRoomId });
  });

  it.each([
    ['POST', '/rooms/abc/archive/versions'],
    ['PUT', '/rooms/abc/archive'],
    ['DELETE', '/rooms/abc/archive'],
    ['GET', '/rooms/archive'],
    ['GET', '/rooms/a/b/archive'],
    ['GET', '/rooms/abc'],
    ['GET', '/events'],
    ['GET', '/'],
  ])('matches nothing for %s %s', (method, path) => {
    // Act
    const match = matchRoute(method, path);

    // Assess
    expect(match).toBeUndefined();
  });
});
