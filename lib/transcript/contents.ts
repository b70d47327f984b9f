import { isRecord } from '../shared/records.js';
import type { Button, Link } from './schema.js';

/**
 * A value of button or template contents that could not be read as
 * documented: where it is below `contents` (e.g. `.buttonList[2].pcUrl`, empty
 * for the contents as a whole), the value, and why. It stays in `contents`.
 */
export interface ContentsIssue {
  readonly path: string;
  readonly value: unknown;
  readonly reason: string;
}

/** What the contents of a button (`normal`/`nomal`) or `template` message give. */
export interface RichContents {
  /** V1 `text`, else V2 `message`. */
  readonly text: string | null;
  /** `image_url` (V1), `imageUrl`, or `image.url` (V2). */
  readonly image_url: string | null;
  /** The buttons that carry a URL, in order. */
  readonly links: Link[];
  /** Every button, URL or not, in order: V1 `link` entries (type null), then V2 `buttonList` entries. */
  readonly buttons: Button[];
  readonly issues: readonly ContentsIssue[];
}

type Record_ = Readonly<Record<string, unknown>>;

/**
 * Reads the parsed JSON of button or template contents in both of HappyTalk's
 * template formats (NOTES.md, "Template messages, V1 and V2"):
 *
 * - V1: `{"text", "link": {"name": [..], "url": [..]}, "image_url"}`; `link` may
 *   also be a list of `{name, url}`, or `name`/`url` single strings.
 * - V2: `{"type", "message", "isLocked", "buttonList": [{"type", "name",
 *   "pcUrl", "mobileUrl", "url"}]}`, the image as `imageUrl` or `image: {url}`.
 *
 * Only these keys are read; every other key (`type`, `isLocked`, a template id,
 * keys of formats not documented publicly) stays in `contents`, verbatim. A
 * known key whose value cannot be read (a list where a string belongs, a
 * button that is not an object, a second text or image) is an issue, never a
 * silent drop. Numbers are read as their decimal text, empty strings as null.
 */
export function readRichContents(payload: Record_): RichContents {
  const issues: ContentsIssue[] = [];
  const reader = new ContentsReader(issues);
  const text = reader.first([
    ['.text', payload.text],
    ['.message', payload.message],
  ]);
  const image = reader.image(payload);
  const buttons: Button[] = [];
  const links: Link[] = [];
  const add = (button: Button, linkUrl: string | null) => {
    buttons.push(button);
    if (linkUrl !== null) links.push({ name: button.name, url: linkUrl });
  };
  if (payload.link !== undefined && payload.link !== null) reader.v1Links(payload.link, add);
  if (payload.buttonList !== undefined && payload.buttonList !== null) {
    reader.v2Buttons(payload.buttonList, add);
  }
  return { text, image_url: image, links, buttons, issues };
}

class ContentsReader {
  readonly #issues: ContentsIssue[];

  constructor(issues: ContentsIssue[]) {
    this.#issues = issues;
  }

  /** A text value: a string (empty is null), or a number as its text; anything else is an issue. */
  text(path: string, value: unknown): string | null {
    if (typeof value === 'string') return value === '' ? null : value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (value !== undefined && value !== null) {
      this.#issue(path, value, `expected a string, got ${kindOf(value)}`);
    }
    return null;
  }

  /** The first readable of several values (by their path) for one field; a different second one is an issue. */
  first(candidates: readonly (readonly [path: string, value: unknown])[]): string | null {
    let chosen: { path: string; text: string } | undefined;
    for (const [path, value] of candidates) {
      const text = this.text(path, value);
      if (text === null) continue;
      if (chosen === undefined) chosen = { path, text };
      else if (text !== chosen.text) {
        this.#issue(path, value, `a second value beside ${chosen.path.slice(1)}; kept in contents only`);
      }
    }
    return chosen?.text ?? null;
  }

  /** `image_url`, `imageUrl`, or `image` (an object with `url`, or a URL). */
  image(payload: Record_): string | null {
    const candidates: [string, unknown][] = [
      ['.image_url', payload.image_url],
      ['.imageUrl', payload.imageUrl],
    ];
    const image = payload.image;
    if (isRecord(image)) {
      const key = ['url', 'imageUrl', 'image_url'].find((name) => image[name] !== undefined);
      if (key === undefined) this.#issue('.image', image, 'image object without a url');
      else candidates.push([`.image.${key}`, image[key]]);
    } else if (image !== undefined && image !== null) {
      candidates.push(['.image', image]);
    }
    return this.first(candidates);
  }

  /** V1 `link`: parallel `name`/`url` lists (or single values), or a list of `{name, url}`. */
  v1Links(link: unknown, add: (button: Button, linkUrl: string | null) => void): void {
    if (Array.isArray(link)) {
      link.forEach((entry, index) => {
        const path = `.link[${index}]`;
        if (!isRecord(entry)) {
          this.#issue(path, entry, 'link entry is not an object; kept in contents only');
          return;
        }
        this.#v1Entry(path, entry.name, `${path}.name`, entry.url, `${path}.url`, add);
      });
      return;
    }
    if (!isRecord(link)) {
      this.#issue('.link', link, `expected a link object or a list of links, got ${kindOf(link)}`);
      return;
    }
    const names = listOf(link.name);
    const urls = listOf(link.url);
    const single = !Array.isArray(link.name) && !Array.isArray(link.url);
    for (let index = 0; index < Math.max(names.length, urls.length); index++) {
      const at = (key: string) => (single ? `.link.${key}` : `.link.${key}[${index}]`);
      this.#v1Entry(at('name'), names[index], at('name'), urls[index], at('url'), add, false);
    }
  }

  #v1Entry(
    path: string,
    rawName: unknown,
    namePath: string,
    rawUrl: unknown,
    urlPath: string,
    add: (button: Button, linkUrl: string | null) => void,
    reportEmpty = true,
  ): void {
    const name = this.text(namePath, rawName);
    const url = this.text(urlPath, rawUrl);
    if (name === null && url === null) {
      // Parallel lists padded with empty strings hold nothing to keep; an empty entry object is odd.
      if (reportEmpty) this.#issue(path, { name: rawName, url: rawUrl }, 'link without a name or a url');
      return;
    }
    add({ type: null, name, url, mobile_url: null }, url);
  }

  /** V2 `buttonList`: a list of buttons (one button object is read as a list of one). */
  v2Buttons(list: unknown, add: (button: Button, linkUrl: string | null) => void): void {
    const entries = Array.isArray(list) ? list : isRecord(list) ? [list] : undefined;
    if (entries === undefined) {
      this.#issue('.buttonList', list, `expected a list of buttons, got ${kindOf(list)}`);
      return;
    }
    entries.forEach((entry, index) => {
      const path = Array.isArray(list) ? `.buttonList[${index}]` : '.buttonList';
      if (!isRecord(entry)) {
        this.#issue(path, entry, 'button is not an object; kept in contents only');
        return;
      }
      const type = this.text(`${path}.type`, entry.type);
      const name = this.text(`${path}.name`, entry.name);
      const pcUrl = this.text(`${path}.pcUrl`, entry.pcUrl);
      const mobileUrl = this.text(`${path}.mobileUrl`, entry.mobileUrl);
      const url = this.text(`${path}.url`, entry.url);
      if (type === null && name === null && pcUrl === null && mobileUrl === null && url === null) {
        this.#issue(path, entry, 'button without a type, a name or a url; kept in contents only');
        return;
      }
      add({ type, name, url: pcUrl ?? url, mobile_url: mobileUrl }, pcUrl ?? mobileUrl ?? url);
    });
  }

  #issue(path: string, value: unknown, reason: string): void {
    this.#issues.push({ path, value, reason });
  }
}

function listOf(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
