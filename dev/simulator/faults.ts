import { z } from 'zod';

const Times = z.number().int().positive().optional();

/**
 * The faults the simulator can inject into `chat_data` answers. Every fault
 * takes an optional `times`: it applies to the next `times` matching requests
 * and then clears itself; without `times` it stays until cleared.
 *
 * - `status`: answer with this HTTP status and `body` (default: an nginx-like
 *   HTML page for 5xx, a short text otherwise). A 429 carries `Retry-After`
 *   (`retryAfterSeconds`, default 1); other statuses only when it is given.
 * - `delay`: answer normally after `ms` milliseconds.
 * - `reset`: destroy the connection without answering.
 * - `truncate`: send the normal answer's headers, with its full `Content-Length`,
 *   and half of its body, then destroy the connection.
 * - `html`: 200 with an HTML error page.
 * - `not-json`: 200, `Content-Type: application/json`, and a PHP fatal error text.
 * - `wrong-shape`: 200 with valid JSON of the wrong shape:
 *   `{"result":"success","data":{"chat":"x"}}`.
 * - `fail`: 200 with `{"result":"fail","code":code,"message":message}`, such as
 *   -501 uuid, -502 unAuthorized, -503 users, -504 overDate.
 * - `empty-data`: 200 with `{"result":"success","data":[]}`.
 * - `other-room`: 200 with success and another room's data.
 * - `redirect`: a redirect (`status`, default 302) to `location`, as a
 *   misconfigured proxy might answer; a client must not follow it with the token.
 * - `echo`: an upstream that echoes the request (its body, with the token, and
 *   its headers, with the client secret) and `note` (e.g. a personal value):
 *   as a fail `message` (`as: "fail"`, the default), as an HTML error page
 *   with `status` (`as: "page"`, default 500), or inside a success answer, as
 *   the room's title (`as: "success"`).
 */
export const SimulatorFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(200).max(599),
    body: z.string().optional(),
    contentType: z.string().min(1).optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    times: Times,
  }),
  z.strictObject({ kind: z.literal('delay'), ms: z.number().int().nonnegative().max(600_000), times: Times }),
  z.strictObject({ kind: z.literal('reset'), times: Times }),
  z.strictObject({ kind: z.literal('truncate'), times: Times }),
  z.strictObject({ kind: z.literal('html'), times: Times }),
  z.strictObject({ kind: z.literal('not-json'), times: Times }),
  z.strictObject({ kind: z.literal('wrong-shape'), times: Times }),
  z.strictObject({ kind: z.literal('fail'), code: z.number().int(), message: z.string(), times: Times }),
  z.strictObject({ kind: z.literal('empty-data'), times: Times }),
  z.strictObject({ kind: z.literal('other-room'), times: Times }),
  z.strictObject({
    kind: z.literal('redirect'),
    status: z
      .union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)])
      .optional(),
    location: z.string().min(1),
    times: Times,
  }),
  z.strictObject({
    kind: z.literal('echo'),
    as: z.enum(['fail', 'page', 'success']).optional(),
    status: z.number().int().min(200).max(599).optional(),
    note: z.string().optional(),
    times: Times,
  }),
]);

/** One fault; see {@link SimulatorFaultSchema} for what each kind does. */
export type SimulatorFault = z.infer<typeof SimulatorFaultSchema>;

/** The `kind` of a {@link SimulatorFault}. */
export type SimulatorFaultKind = SimulatorFault['kind'];

/** The fault key that matches every room. */
export const ALL_ROOMS = '*';

interface ArmedFault {
  fault: SimulatorFault;
  remaining: number | undefined;
}

/**
 * Faults by room id (or {@link ALL_ROOMS}). A room's own fault wins over the
 * one for all rooms; taking a fault counts one use of its `times`.
 */
export class FaultTable {
  readonly #faults = new Map<string, ArmedFault>();

  /** Sets the fault for a room id or `'*'`; `undefined` clears it. */
  set(roomId: string, fault: SimulatorFault | undefined): void {
    if (fault === undefined) {
      this.#faults.delete(roomId);
      return;
    }
    this.#faults.set(roomId, { fault: { ...fault }, remaining: fault.times });
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults.clear();
  }

  /** The fault that applies to a request for `roomId`, counting one use of it. */
  take(roomId: string | undefined): SimulatorFault | undefined {
    const key = roomId !== undefined && this.#faults.has(roomId) ? roomId : ALL_ROOMS;
    const armed = this.#faults.get(key);
    if (armed === undefined) {
      return undefined;
    }
    if (armed.remaining !== undefined) {
      armed.remaining -= 1;
      if (armed.remaining <= 0) {
        this.#faults.delete(key);
      }
    }
    return armed.fault;
  }
}
