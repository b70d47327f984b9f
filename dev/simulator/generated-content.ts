import { encodePhpJson } from './php-json.js';
import { type RandomSource, randomHex } from './random.js';
import { DOCUMENTED_V2_TEMPLATE, imageUrl, keywordMenuV2 } from './room-records.js';

/** What the generated rooms say: counselors, categories, lines, emoji, tags, bot keywords and templates. */

export const COUNSELORS: readonly [[string, string, string], ...[string, string, string][]] = [
  ['김하늘', '하늘', 'haneul.kim'],
  ['박서준', '서준', 'seojun.park'],
  ['최유나', '유나', 'yuna.choi'],
  ['이도현', '도현', 'dohyun.lee'],
  ['정수아', '수아', 'sua.jung'],
];

export const CATEGORIES: readonly [[string, string], ...[string, string][]] = [
  ['상품문의', '일반상담'],
  ['상품문의', '배송문의'],
  ['교환/반품', '교환'],
  ['취소/환불', '환불문의'],
  ['회원정보', '로그인'],
];

export const CUSTOMER_LINES: readonly [string, ...string[]] = [
  '안녕하세요, 문의 드릴게 있어요',
  '주문한 상품이 아직 도착하지 않았어요',
  '사이즈 교환 가능한가요?',
  '배송지를 변경하고 싶어요',
  '쿠폰이 적용이 안 돼요 ㅠㅠ',
  '결제는 됐는데 주문 내역에 안 보여요',
  '네 확인했습니다',
  '감사합니다!',
  '혹시 재입고 예정 있나요?',
  '환불은 언제쯤 처리되나요?',
  '연락처는 010-9876-5432 입니다',
  '알겠습니다. 기다릴게요',
];

export const COUNSELOR_LINES: readonly [string, ...string[]] = [
  '안녕하세요, 고객님. 무엇을 도와드릴까요?',
  '주문 내역 확인해 보겠습니다. 잠시만 기다려 주세요.',
  '확인 결과 내일 도착 예정입니다.',
  '불편을 드려 죄송합니다.',
  '교환 접수 도와드리겠습니다.',
  '환불은 영업일 기준 3~5일 소요됩니다.',
  '다른 문의 사항 있으실까요?',
  '감사합니다. 좋은 하루 보내세요.',
];

export const BOT_LINES: readonly [string, ...string[]] = [
  '안녕하세요! 해피쇼핑 고객센터입니다.\n상담 유형을 선택해 주세요.',
  '상담사를 연결해 드릴게요. 잠시만 기다려 주세요.',
  '지금은 상담 대기 인원이 많습니다. 순서대로 연결해 드릴게요.',
];

export const MEMO_LINES: readonly [string, ...string[]] = [
  '재문의 고객. 이전 상담 내역 참고',
  '배송 지연 안내 완료',
  '환불 요청 → 담당 부서 전달',
];

export const EMOJI: readonly [string, ...string[]] = ['😊', '🙏', '😢', '👍', '🚚', '❤️', '🙇‍♀️'];

export const TAGS: readonly [string, ...string[]] = [
  '#배송문의',
  '#교환',
  '#환불',
  '#VIP',
  '#재문의',
  '#챗봇',
];

export const KEYWORDS: readonly [string, ...string[]] = [
  '주문 조회',
  '배송 조회',
  '교환/반품',
  '상담사 연결',
];

/** Bot templates in HappyTalk's V1 format (`text`, `link`, `image_url`), as `nomal`, `normal` or `template`. */
export const V1_TEMPLATES: readonly [
  (random: RandomSource, day: string) => { contentsType: string; contents: string },
  ...((random: RandomSource, day: string) => { contentsType: string; contents: string })[],
] = [
  () => ({
    contentsType: 'nomal',
    contents: encodePhpJson({
      text: '무엇을 도와드릴까요? 아래 메뉴를 선택해 주세요.',
      link: {
        name: ['주문 조회', '배송 조회'],
        url: ['https://shop.example.co.kr/mypage/order', 'https://shop.example.co.kr/mypage/delivery'],
      },
      image_url: '',
    }),
  }),
  (random, day) => ({
    contentsType: 'normal',
    contents: JSON.stringify({
      text: '이번 주 이벤트를 확인해 보세요 🎁',
      link: [{ name: '이벤트 보기', url: 'https://shop.example.co.kr/event' }],
      image_url: imageUrl(day, randomHex(random, 32)),
    }),
  }),
  () => ({
    contentsType: 'template',
    contents: JSON.stringify({ text: '상담사를 연결해 드릴게요. 잠시만 기다려 주세요.' }),
  }),
];

/** Bot templates in HappyTalk's V2 format (`message`, `buttonList`, `isLocked`, `image`), of several button types. */
export const V2_TEMPLATES: readonly [
  (random: RandomSource, day: string) => string,
  ...((random: RandomSource, day: string) => string)[],
] = [
  () => keywordMenuV2('안녕하세요! 해피쇼핑 챗봇입니다.\n원하시는 메뉴를 선택해 주세요.', KEYWORDS),
  () => DOCUMENTED_V2_TEMPLATE,
  (random, day) =>
    encodePhpJson({
      type: 'IMAGE',
      message: '이번 주 이벤트를 확인해 보세요 🎁',
      isLocked: false,
      image: { url: imageUrl(day, randomHex(random, 32)) },
      buttonList: [
        {
          type: 'WEB_LINK',
          name: '이벤트 보기',
          pcUrl: 'https://shop.example.co.kr/event',
          mobileUrl: 'https://m.shop.example.co.kr/event',
        },
        {
          type: 'APP_LINK',
          name: '앱에서 보기',
          iosUrl: 'happyshop://event',
          androidUrl: 'happyshop://event',
        },
      ],
    }),
  () =>
    JSON.stringify({
      type: 'TEXT',
      message: '상담 가능 시간은 평일 09:00~18:00입니다.',
      isLocked: false,
      buttonList: [
        { type: 'PHONE', name: '전화 상담', phoneNumber: '1588-0000' },
        { type: 'TEXT', name: '처음으로' },
      ],
    }),
];

/** A template with nothing readable: HappyTalk's notes allow V2 shapes this archive does not know. */
export const UNREADABLE_V2_TEMPLATE = JSON.stringify({
  type: 'TEXT',
  message: '',
  isLocked: false,
  buttonList: [],
});
