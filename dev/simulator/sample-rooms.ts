import example from '../../test/fixtures/chat-data-example.json' with { type: 'json' };
import type { SimRoom } from './room-records.js';
import buttons from './rooms/buttons.json' with { type: 'json' };
import completed from './rooms/completed.json' with { type: 'json' };
import counselorV2 from './rooms/counselor-v2.json' with { type: 'json' };
import images from './rooms/images.json' with { type: 'json' };
import oddCodes from './rooms/odd-codes.json' with { type: 'json' };
import open from './rooms/open.json' with { type: 'json' };
import templatesV2 from './rooms/templates-v2.json' with { type: 'json' };

/**
 * Ids of the rooms in {@link sampleRooms}, by what each room is for:
 *
 * - `specExample`: the success example of `chat_data.md`, verbatim.
 * - `completed`: a finished product inquiry (status 2) with bot, counselor and
 *   customer text, a memo (type M), an order number, a phone number in free
 *   text, emoji, newlines, and a vote of "5" with a comment.
 * - `open`: a room in progress (status 1, `complate_date` "0000-00-00 00:00:00").
 * - `images`: a damage report with `image` messages whose contents are https
 *   URLs on `static.happytalk.io`.
 * - `buttons`: a chatbot room with `nomal` and `normal` buttons (JSON-string
 *   contents, one escaped PHP-style inside), a `template`, and a button whose
 *   JSON is broken.
 * - `oddCodes`: user types Q/A/1/2, status "7", parcel code "W", phone_os "I",
 *   out_api "2", unknown fields (`tags`, `user_parameter`, a message's
 *   `reply_to`), `users_id` null, a duplicated message and messages out of order.
 * - `templatesV2`: a room of today (registered after HappyTalk's template V2
 *   deadline, 2026-06-30): chatbot templates in V2 (`message`, `buttonList`): a
 *   keyword menu with `isLocked: true` (TEXT buttons), HappyTalk's documented
 *   example verbatim (WEB_LINK and TEXT), an image (`image.url`) with a
 *   mobile-only WEB_LINK, an app link and a phone button (types not documented
 *   publicly), a template with nothing readable, and the customer picking a
 *   keyword; `tags` as a list, `user_parameter` a string holding JSON.
 * - `counselorV2`: a counselor sending V2 templates (`imageUrl`, WEB_LINK with
 *   pcUrl and mobileUrl apart) and a V1 button sent the old way; `tags` in the
 *   archive form `"#a|#b"`.
 */
export const SAMPLE_ROOM_IDS = {
  specExample: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG',
  completed: 'Hq3ZtW8nKp2LxVb6RmYc9JdF4sNgTa',
  open: 'oP5sLk2WqZ8vNx3CbR7tYh4MdJ9fGe',
  images: 'iM6gRt3YwQ9zLp2XkV8nBc5HsD4jFa',
  buttons: 'bT7nKw4QzR2xLm9VpY3cHs8DgJ5fEa',
  oddCodes: 'oD2cXq7ZnW4kRt9LpV6mYb3HsJ8gFe',
  templatesV2: 'tV8wKp3ZqR6nLx2MbY9cHs4DgJ7fEa',
  counselorV2: 'kW5rNt9XpL2vQz8CmB4hYs6DjF3gAe',
} as const;

/** The name of one sample room, a key of {@link SAMPLE_ROOM_IDS}. */
export type SampleRoomName = keyof typeof SAMPLE_ROOM_IDS;

/**
 * The sample rooms, one of each kind described at {@link SAMPLE_ROOM_IDS}, in
 * that order: the spec's example from the one fixture that holds it
 * (`test/fixtures/chat-data-example.json`), the others from `rooms/*.json`.
 * Every call returns fresh objects: callers may change them.
 */
export function sampleRooms(): SimRoom[] {
  const rooms: readonly unknown[] = [
    example.data[0],
    completed,
    open,
    images,
    buttons,
    oddCodes,
    templatesV2,
    counselorV2,
  ];
  return rooms.map((room) => structuredClone(room) as SimRoom);
}
