/**
 * The simulator's `chat_room_lists`: filtering, sorting and paging of the
 * rooms it serves, and the query window that answers `-504 overDate`.
 */

import { localDay } from '../../lib/shared/calendar.js';
import { SimulatorConfigError } from './errors.js';
import type { SimRoom } from './room-records.js';

/** The simulator's stand-in for HappyTalk's undocumented query limits. */
export interface QueryWindow {
  /** A room list range longer than this many days answers `-504 overDate`. */
  maxDays?: number;
  /**
   * A room list range starting more than this many days before `today`, and a
   * `chat_data` request for a room registered before then, answer `-504 overDate`.
   */
  maxAgeDays?: number;
}

/** One request the simulator received on the room list path. The token is never recorded. */
export interface RecordedRoomListRequest {
  at: Date;
  sdate: string | undefined;
  edate: string | undefined;
  page: number;
  limit: number;
  status: number;
  tokenPresent: boolean;
  /** What was answered: `success` or the fail code. */
  answer: 'success' | number;
}

/** The fields of a parsed room list request, with HappyTalk's defaults applied. */
export interface RoomListRequest {
  sdate: string;
  edate: string;
  status: number;
  sortKey: 'reg_date' | 'complate_date';
  sortValue: 'asc' | 'desc';
  limit: number;
  page: number;
}

/** A room list answer before encoding: the success body, or a fail code and message. */
export type RoomListResult =
  | { kind: 'success'; body: Record<string, unknown> }
  | { kind: 'fail'; code: number; message: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const MAX_LIMIT = 50;

/** Checks a {@link QueryWindow} option. */
export function validQueryWindow(window: QueryWindow | undefined): QueryWindow {
  for (const key of ['maxDays', 'maxAgeDays'] as const) {
    const value = window?.[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new SimulatorConfigError(`queryWindow.${key} must be a positive integer, received ${value}`);
    }
  }
  return { ...window };
}

/** `YYYY-MM-DD` in Asia/Seoul, HappyTalk's clock. */
export function seoulToday(now = new Date()): string {
  return localDay(now, 'Asia/Seoul');
}

function isDay(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

function integerField(value: unknown, fallback: number): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : fallback;
}

function textField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads a room list request as HappyTalk documents it: `ndate` (default
 * today) unless `sdate`/`edate` are given; a missing `edate` is today, a
 * missing `sdate` is `edate`; status 99, sort `reg_date desc`, limit 10 (at
 * most 50) and page 1 by default. Undefined for a date that is not `Y-m-d`.
 */
export function readRoomListRequest(
  fields: Record<string, unknown>,
  today: string,
): RoomListRequest | undefined {
  const ndate = textField(fields.ndate) ?? today;
  const given = { sdate: textField(fields.sdate), edate: textField(fields.edate) };
  const edate = given.sdate === undefined && given.edate === undefined ? ndate : (given.edate ?? today);
  const sdate = given.sdate ?? (given.edate === undefined ? ndate : edate);
  if (!isDay(sdate) || !isDay(edate)) return undefined;
  return {
    sdate,
    edate,
    status: integerField(fields.status, 99),
    sortKey: fields.sort_key === 'complate_date' ? 'complate_date' : 'reg_date',
    sortValue: fields.sort_value === 'asc' ? 'asc' : 'desc',
    limit: Math.min(Math.max(integerField(fields.limit, 10), 1), MAX_LIMIT),
    page: Math.max(integerField(fields.page, 1), 1),
  };
}

/** Whether a range breaks the query window; see {@link QueryWindow}. */
export function outsideQueryWindow(
  window: QueryWindow,
  today: string,
  sdate: string,
  edate: string,
): boolean {
  if (window.maxDays !== undefined && dayNumber(edate) - dayNumber(sdate) + 1 > window.maxDays) return true;
  return window.maxAgeDays !== undefined && dayNumber(today) - dayNumber(sdate) > window.maxAgeDays;
}

/** Whether `chat_data` for a room registered at `regDate` breaks the window's age limit. */
export function roomOutsideQueryWindow(window: QueryWindow, today: string, regDate: unknown): boolean {
  if (window.maxAgeDays === undefined || typeof regDate !== 'string' || !isDay(regDate.slice(0, 10)))
    return false;
  return dayNumber(today) - dayNumber(regDate.slice(0, 10)) > window.maxAgeDays;
}

/**
 * The answer to a room list request over `rooms`: the rooms registered
 * (`reg_date`) from `sdate` to `edate` whose status matches (99: any), sorted
 * and paged; each `chat_list` item is the room's `chat` without the votes,
 * plus `last_message`. `page` and `limit` come back as strings, as PHP echoes
 * request fields, and `total_count` as a number.
 */
export function roomListAnswer(
  request: RoomListRequest,
  rooms: Iterable<SimRoom>,
  window: QueryWindow,
  today: string,
): RoomListResult {
  if (request.sdate > request.edate || outsideQueryWindow(window, today, request.sdate, request.edate)) {
    return { kind: 'fail', code: -504, message: 'overDate' };
  }
  const matching: SimRoom[] = [];
  for (const room of rooms) {
    const day = typeof room.chat.reg_date === 'string' ? room.chat.reg_date.slice(0, 10) : '';
    if (day < request.sdate || day > request.edate) continue;
    if (request.status !== 99 && String(room.chat.status) !== String(request.status)) continue;
    matching.push(room);
  }
  const key = request.sortKey;
  const direction = request.sortValue === 'asc' ? 1 : -1;
  matching.sort((a, b) => {
    const byKey = String(a.chat[key] ?? '').localeCompare(String(b.chat[key] ?? ''));
    return (byKey || String(a.chat.id).localeCompare(String(b.chat.id))) * direction;
  });
  const start = (request.page - 1) * request.limit;
  const chatList = matching.slice(start, start + request.limit).map((room) => {
    const { vote_score: _score, vote_comment: _comment, ...chat } = room.chat;
    const last = room.message.at(-1);
    return { ...chat, last_message: typeof last?.contents === 'string' ? last.contents : '' };
  });
  return {
    kind: 'success',
    body: {
      result: 'success',
      data: {
        page: String(request.page),
        limit: String(request.limit),
        total_count: matching.length,
        chat_list: chatList,
      },
    },
  };
}
