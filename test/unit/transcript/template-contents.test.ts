import { describe, expect, it } from 'vitest';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { normalize, rawChat, rawMessage, rawRoom } from './builders.js';

/** HappyTalk's documented V2 example (chat-history docs, customer_uuid example; NOTES.md), byte for byte. */
const DOCUMENTED_V2 =
  '{"type":"TEXT","message":"텍스트 + 버튼에 텍스트","isLocked":false,"buttonList":[{"type":"WEB_LINK","name":"링크","pcUrl":"https://example.com","mobileUrl":"https://example.com"},{"type":"TEXT","name":"봇키워드"}]}';

/** The normalized message and the warnings of one message with these contents. */
function read(contents: string, contentType = 'template') {
  const transcript = normalize(
    rawRoom({ message: [rawMessage({ user_type: 'B', contents_type: contentType, contents })] }),
  );
  const [message] = transcript.messages;
  if (message === undefined) throw new Error('no message');
  return { message, warnings: transcript.warnings, transcript };
}

function v2(fields: Record<string, unknown>): string {
  return JSON.stringify({ type: 'TEXT', isLocked: false, ...fields });
}

describe('button and template contents', () => {
  describe('template V2', () => {
    it("normalizes HappyTalk's documented V2 example field by field", () => {
      // Act
      const { message, warnings, transcript } = read(DOCUMENTED_V2);

      // Assess
      expect(message).toEqual({
        id: '562834',
        from_id: '1000225570_testuser',
        to_id: 'test-lc',
        type: { code: 'C', label: '메시지', name: 'message' },
        sender: { code: 'B', label: '로봇', name: 'bot' },
        content_type: { code: 'template', label: '템플릿', name: 'template' },
        text: '텍스트 + 버튼에 텍스트',
        image_url: null,
        links: [{ name: '링크', url: 'https://example.com' }],
        buttons: [
          { type: 'WEB_LINK', name: '링크', url: 'https://example.com', mobile_url: 'https://example.com' },
          { type: 'TEXT', name: '봇키워드', url: null, mobile_url: null },
        ],
        contents: DOCUMENTED_V2,
        sent_at: '2022-05-26T10:30:00+09:00',
        read_at: '2022-05-26T10:30:05+09:00',
        extra: {},
      });
      expect(warnings).toEqual([]);
      expect(TranscriptSchema.parse(transcript)).toEqual(transcript);
    });

    it.each(['nomal', 'normal'])('reads V2 contents of a %s (button) message the same way', (contentType) => {
      // Act
      const { message, warnings } = read(DOCUMENTED_V2, contentType);

      // Assess
      expect([message.text, message.links, message.buttons?.length]).toEqual([
        '텍스트 + 버튼에 텍스트',
        [{ name: '링크', url: 'https://example.com' }],
        2,
      ]);
      expect(warnings).toEqual([]);
    });

    it('links a button by pcUrl, else mobileUrl, else url, and keeps pc and mobile apart in buttons', () => {
      // Prepare
      const contents = v2({
        message: '링크 모음',
        buttonList: [
          { type: 'WEB_LINK', name: 'pc', pcUrl: 'https://pc', mobileUrl: 'https://m', url: 'https://u' },
          { type: 'WEB_LINK', name: 'mobile', mobileUrl: 'https://m2', url: 'https://u2' },
          { type: 'WEB_LINK', name: 'plain', url: 'https://u3' },
        ],
      });

      // Act
      const { message, warnings } = read(contents);

      // Assess
      expect(message.links).toEqual([
        { name: 'pc', url: 'https://pc' },
        { name: 'mobile', url: 'https://m2' },
        { name: 'plain', url: 'https://u3' },
      ]);
      expect(message.buttons).toEqual([
        { type: 'WEB_LINK', name: 'pc', url: 'https://pc', mobile_url: 'https://m' },
        { type: 'WEB_LINK', name: 'mobile', url: 'https://u2', mobile_url: 'https://m2' },
        { type: 'WEB_LINK', name: 'plain', url: 'https://u3', mobile_url: null },
      ]);
      expect(warnings).toEqual([]);
    });

    it('keeps buttons of every type in order, unknown types included, bot keywords without a URL', () => {
      // Prepare
      const contents = v2({
        message: '무엇을 도와드릴까요?',
        isLocked: true,
        buttonList: [
          { type: 'TEXT', name: '주문 조회' },
          { type: 'APP_LINK', name: '앱에서 보기', iosUrl: 'app://x', androidUrl: 'app://y' },
          { type: 'PHONE', name: '전화 상담', phoneNumber: '1588-0000' },
          { type: 'WEB_LINK', name: '배송 조회', pcUrl: 'https://track' },
          { name: '유형 없음' },
        ],
      });

      // Act
      const { message, warnings } = read(contents);

      // Assess
      expect((message.buttons ?? []).map((button) => [button.type, button.name, button.url])).toEqual([
        ['TEXT', '주문 조회', null],
        ['APP_LINK', '앱에서 보기', null],
        ['PHONE', '전화 상담', null],
        ['WEB_LINK', '배송 조회', 'https://track'],
        [null, '유형 없음', null],
      ]);
      expect(message.links).toEqual([{ name: '배송 조회', url: 'https://track' }]);
      expect(message.contents).toBe(contents);
      expect(warnings).toEqual([]);
    });

    it.each([
      ['imageUrl', { imageUrl: 'https://cdn.happytalk.io/a.png' }],
      ['image.url', { image: { url: 'https://cdn.happytalk.io/a.png', width: 600 } }],
      ['image.imageUrl', { image: { imageUrl: 'https://cdn.happytalk.io/a.png' } }],
      ['image as a URL', { image: 'https://cdn.happytalk.io/a.png' }],
      ['image_url (V1)', { image_url: 'https://cdn.happytalk.io/a.png' }],
    ])('reads the image from %s', (_case, fields) => {
      // Act
      const { message, warnings } = read(v2({ type: 'IMAGE', ...fields }));

      // Assess
      expect(message.image_url).toBe('https://cdn.happytalk.io/a.png');
      expect(warnings).toEqual([]);
    });

    it('reads numbers as their text and names values of the wrong kind in warnings, keeping the rest', () => {
      // Prepare
      const contents = v2({
        message: { ko: '안녕하세요' },
        imageUrl: ['https://a.png'],
        buttonList: [
          { type: 7, name: 2024, pcUrl: { href: 'https://x' }, mobileUrl: 'https://m' },
          'TEXT',
          null,
          {},
        ],
      });

      // Act
      const { message, warnings } = read(contents);

      // Assess
      expect([message.text, message.image_url]).toEqual([null, null]);
      expect(message.buttons).toEqual([{ type: '7', name: '2024', url: null, mobile_url: 'https://m' }]);
      expect(message.links).toEqual([{ name: '2024', url: 'https://m' }]);
      expect(warnings.map(({ path, value }) => ({ path, value }))).toEqual([
        { path: 'message[0].contents.message', value: { ko: '안녕하세요' } },
        { path: 'message[0].contents.imageUrl', value: ['https://a.png'] },
        { path: 'message[0].contents.buttonList[0].pcUrl', value: { href: 'https://x' } },
        { path: 'message[0].contents.buttonList[1]', value: 'TEXT' },
        { path: 'message[0].contents.buttonList[2]', value: null },
        { path: 'message[0].contents.buttonList[3]', value: {} },
      ]);
      expect(warnings.map((warning) => warning.reason)).toEqual([
        'expected a string, got object',
        'expected a string, got array',
        'expected a string, got object',
        'button is not an object; kept in contents only',
        'button is not an object; kept in contents only',
        'button without a type, a name or a url; kept in contents only',
      ]);
    });

    it('reads one button object given instead of a list, and warns about a buttonList of another kind', () => {
      // Prepare
      const single = v2({ message: '하나', buttonList: { type: 'TEXT', name: '네' } });
      const text = v2({ message: '둘', buttonList: '네|아니오' });

      // Act
      const one = read(single);
      const other = read(text);

      // Assess
      expect(one.message.buttons).toEqual([{ type: 'TEXT', name: '네', url: null, mobile_url: null }]);
      expect(one.warnings).toEqual([]);
      expect(other.message.buttons).toEqual([]);
      expect(other.warnings).toEqual([
        {
          path: 'message[0].contents.buttonList',
          value: '네|아니오',
          reason: 'expected a list of buttons, got string',
        },
      ]);
    });

    it('keeps the first of two texts or images and names the other', () => {
      // Prepare
      const contents = JSON.stringify({
        text: '첫째',
        message: '둘째',
        image_url: 'https://a.png',
        image: { url: 'https://b.png' },
      });

      // Act
      const { message, warnings } = read(contents);

      // Assess
      expect([message.text, message.image_url]).toEqual(['첫째', 'https://a.png']);
      expect(warnings).toEqual([
        {
          path: 'message[0].contents.message',
          value: '둘째',
          reason: 'a second value beside text; kept in contents only',
        },
        {
          path: 'message[0].contents.image.url',
          value: 'https://b.png',
          reason: 'a second value beside image_url; kept in contents only',
        },
      ]);
    });

    it('warns about an image object without a url', () => {
      // Act
      const { message, warnings } = read(v2({ message: '사진', image: { width: 10 } }));

      // Assess
      expect(message.image_url).toBeNull();
      expect(warnings).toEqual([
        { path: 'message[0].contents.image', value: { width: 10 }, reason: 'image object without a url' },
      ]);
    });
  });

  describe('template V1', () => {
    it('lists V1 links as buttons with type null, beside the unchanged links', () => {
      // Prepare
      const contents = JSON.stringify({
        text: '메뉴',
        link: { name: ['주문 조회', '배송 조회'], url: ['https://o', 'https://d'] },
        image_url: 'https://cdn.happytalk.io/menu.png',
      });

      // Act
      const { message, warnings } = read(contents, 'nomal');

      // Assess
      expect(message).toMatchObject({
        text: '메뉴',
        image_url: 'https://cdn.happytalk.io/menu.png',
        links: [
          { name: '주문 조회', url: 'https://o' },
          { name: '배송 조회', url: 'https://d' },
        ],
        buttons: [
          { type: null, name: '주문 조회', url: 'https://o', mobile_url: null },
          { type: null, name: '배송 조회', url: 'https://d', mobile_url: null },
        ],
      });
      expect(warnings).toEqual([]);
    });

    it('lists a V1 link without a url as a button, and names entries that are not links', () => {
      // Prepare
      const contents = JSON.stringify({
        text: '선택하세요',
        link: [{ name: '하나', url: 'http://one' }, { name: '둘' }, 'http://four', null, {}],
      });

      // Act
      const { message, warnings } = read(contents);

      // Assess
      expect(message.buttons).toEqual([
        { type: null, name: '하나', url: 'http://one', mobile_url: null },
        { type: null, name: '둘', url: null, mobile_url: null },
      ]);
      expect(message.links).toEqual([{ name: '하나', url: 'http://one' }]);
      expect(warnings.map(({ path, reason }) => ({ path, reason }))).toEqual([
        { path: 'message[0].contents.link[2]', reason: 'link entry is not an object; kept in contents only' },
        { path: 'message[0].contents.link[3]', reason: 'link entry is not an object; kept in contents only' },
        { path: 'message[0].contents.link[4]', reason: 'link without a name or a url' },
      ]);
    });

    it('warns about a link of another kind and names of the wrong kind', () => {
      // Prepare
      const string = JSON.stringify({ text: '보기', link: 'https://x' });
      const oddName = JSON.stringify({ text: '보기', link: { name: [{ ko: '열기' }], url: ['https://y'] } });

      // Act
      const first = read(string);
      const second = read(oddName);

      // Assess
      expect(first.message.links).toEqual([]);
      expect(first.warnings).toEqual([
        {
          path: 'message[0].contents.link',
          value: 'https://x',
          reason: 'expected a link object or a list of links, got string',
        },
      ]);
      expect(second.message.links).toEqual([{ name: null, url: 'https://y' }]);
      expect(second.warnings.map(({ path }) => path)).toEqual(['message[0].contents.link.name[0]']);
    });

    it('reads V1 and V2 buttons of the same contents, V1 first', () => {
      // Prepare
      const contents = JSON.stringify({
        text: '둘 다',
        link: { name: 'v1', url: 'https://v1' },
        buttonList: [{ type: 'TEXT', name: 'v2' }],
      });

      // Act
      const { message } = read(contents);

      // Assess
      expect((message.buttons ?? []).map((button) => button.name)).toEqual(['v1', 'v2']);
    });
  });

  describe('contents with nothing readable', () => {
    it.each([
      ['a V2 template with an empty message and no buttons', v2({ message: '', buttonList: [] })],
      [
        'a shape not documented publicly',
        JSON.stringify({ type: 'CAROUSEL', cardList: [{ title: '카드' }] }),
      ],
      ['an empty object', '{}'],
      ['a V2 template whose only button is empty', v2({ buttonList: [{}] })],
    ])('warns naming the message for %s, keeping contents verbatim', (_case, contents) => {
      // Act
      const { message, warnings } = read(contents);

      // Assess
      expect(message).toMatchObject({ text: null, image_url: null, links: [], buttons: [], contents });
      expect(warnings.at(-1)).toEqual({
        path: 'message[0].contents',
        value: contents,
        reason:
          'template message 562834 has no text, image or button that can be read: kept verbatim in contents',
      });
    });

    it('does not warn about a template that has only an image, or only a keyword button', () => {
      // Act
      const image = read(v2({ image: { url: 'https://cdn.happytalk.io/x.png' } }));
      const keyword = read(v2({ buttonList: [{ type: 'TEXT', name: '네' }] }));

      // Assess
      expect(image.warnings).toEqual([]);
      expect(keyword.warnings).toEqual([]);
    });

    it('keeps the warning of contents that do not parse as it was', () => {
      // Act
      const { message, warnings } = read('{"type":"TEXT","message":"끊긴', 'normal');

      // Assess
      expect(message).toMatchObject({ text: null, links: [], buttons: [] });
      expect(warnings).toEqual([
        {
          path: 'message[0].contents',
          value: '{"type":"TEXT","message":"끊긴',
          reason: 'contents is not valid JSON',
        },
      ]);
    });

    it('does not read V2 keys in text messages', () => {
      // Act
      const { message, warnings } = read(DOCUMENTED_V2, 'text');

      // Assess
      expect(message).toMatchObject({ text: DOCUMENTED_V2, links: [], buttons: [] });
      expect(warnings).toEqual([]);
    });
  });
});

describe('chat.tags', () => {
  function tagsOf(tags: unknown) {
    const transcript = normalize(rawRoom({ chat: rawChat({ tags }) }));
    return { tags: transcript.chat.tags, extra: transcript.chat.extra, warnings: transcript.warnings };
  }

  it('keeps a list of strings as given, and the raw value in extra', () => {
    // Act
    const result = tagsOf(['#태그1', '#태그2', '#태그1']);

    // Assess
    expect(result).toEqual({
      tags: ['#태그1', '#태그2', '#태그1'],
      extra: { tags: ['#태그1', '#태그2', '#태그1'] },
      warnings: [],
    });
  });

  it.each([
    ['#태크1|#태그2', ['#태크1', '#태그2']],
    ['#VIP', ['#VIP']],
    ['#a||#b|', ['#a', '#b']],
    ['#공백 있는 태그|#b', ['#공백 있는 태그', '#b']],
  ])('splits the archive form %j on "|"', (raw, expected) => {
    // Act
    const result = tagsOf(raw);

    // Assess
    expect(result).toEqual({ tags: expected, extra: { tags: raw }, warnings: [] });
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['an empty string', ''],
  ])('is null without a warning when %s', (_case, raw) => {
    // Act
    const result = tagsOf(raw);

    // Assess
    expect(result.tags).toBeNull();
    expect(result.warnings).toEqual([]);
  });

  it('is an empty list for an empty list', () => {
    expect(tagsOf([]).tags).toEqual([]);
  });

  it.each([
    ['a number', 7],
    ['an object', { a: '#x' }],
    ['a list with a number', ['#a', 2]],
    ['a boolean', true],
  ])('is null with a warning for %s, the value kept in extra', (_case, raw) => {
    // Act
    const result = tagsOf(raw);

    // Assess
    expect(result.tags).toBeNull();
    expect(result.extra).toEqual({ tags: raw });
    expect(result.warnings).toEqual([
      {
        path: 'chat.tags',
        value: raw,
        reason: 'tags is neither a list of strings nor a "#a|#b" string; kept in chat.extra',
      },
    ]);
  });

  it('keeps user_parameter verbatim in extra, a JSON string included', () => {
    // Act
    const transcript = normalize(
      rawRoom({ chat: rawChat({ user_parameter: '{"grade":"gold"}', tags: '#a|#b' }) }),
    );

    // Assess
    expect(transcript.chat.extra).toEqual({ user_parameter: '{"grade":"gold"}', tags: '#a|#b' });
    expect(transcript.chat.tags).toEqual(['#a', '#b']);
  });
});
