import { DOCUMENTED_CHAT_FIELDS } from '../../lib/happytalk/schema.js';
import { InvalidSimRoomError } from './errors.js';
import { encodePhpJson } from './php-json.js';
import {
  createRandom,
  pick,
  type RandomSource,
  randomAlphanumeric,
  randomHex,
  randomInt,
  seedFromText,
} from './random.js';

export { DOCUMENTED_CHAT_FIELDS, DOCUMENTED_MESSAGE_FIELDS } from '../../lib/happytalk/schema.js';

/**
 * One element of `data` in a `chat_data` answer, in HappyTalk's raw shape:
 * `chat` holds the room's fields, `message` its messages, values as HappyTalk
 * sends them (strings, with the nulls and odd codes it is known to send).
 */
export interface SimRoom {
  chat: Record<string, unknown>;
  message: Record<string, unknown>[];
}

/** The `complate_date` HappyTalk sends for a room that is still open. */
export const OPEN_ROOM_COMPLATE_DATE = '0000-00-00 00:00:00';

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

type ChatField = (typeof DOCUMENTED_CHAT_FIELDS)[number];
type ChatValues = Partial<Record<ChatField, string | null>> & { id: string };

/** Every documented field, `""` unless given; votes default to null as in the spec's example. */
function chatRecord(
  values: ChatValues,
  unknownFields: Record<string, unknown> = {},
): Record<string, unknown> {
  const chat: Record<string, unknown> = {};
  for (const field of DOCUMENTED_CHAT_FIELDS) {
    chat[field] = field === 'vote_score' || field === 'vote_comment' ? null : '';
  }
  return { ...chat, ...values, ...unknownFields };
}

interface MessageValues {
  id: string;
  from: string;
  to: string;
  userType: string;
  contents: string;
  sent: string;
  read?: string;
  type?: string;
  contentsType?: string;
}

function messageRecord(values: MessageValues): Record<string, unknown> {
  return {
    id: values.id,
    from_id: values.from,
    to_id: values.to,
    type: values.type ?? 'C',
    user_type: values.userType,
    contents_type: values.contentsType ?? 'text',
    contents: values.contents,
    send_date: values.sent,
    read_date: values.read ?? values.sent,
  };
}

function specExampleRoom(): SimRoom {
  return {
    chat: {
      id: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG',
      title: '1:1 채팅 상담 문의 드립니다.',
      counselor_name: 'test-lc',
      counselor_nickname: 'test-lc',
      customer_uuid: '1000225570_testuser',
      users_id: 'testuser',
      category_id: '75345',
      division_id: '75346',
      cate_name1: '상품문의(샘플)',
      cate_name2: '일반상담(샘플)',
      etc_assign: '',
      reg_date: '2022-05-26 10:26:31',
      complate_date: '2022-05-26 10:31:06',
      out_api: '0',
      status: '2',
      order_number: '',
      product_number: '',
      parcel_number: '',
      parcel_companycode: 'W',
      app_ver: '',
      phone_os: '',
      phone_model: '',
      phone_osver: '',
      phone_telecomm: '',
      app_hash: '',
      parameter1: '',
      parameter2: '',
      parameter3: '',
      parameter4: '',
      parameter5: '',
      parameter6: '',
      parameter7: '',
      parameter8: '',
      parameter9: '',
      parameter10: '',
      vote_score: null,
      vote_comment: null,
    },
    message: [
      {
        id: '562834',
        from_id: '1000225570_testuser',
        to_id: 'test-lc',
        type: 'C',
        user_type: 'C',
        contents_type: 'text',
        contents: '고객님이 종료하였습니다.',
        send_date: '2022-05-26 10:31:06',
        read_date: '2022-05-26 10:31:06',
      },
    ],
  };
}

const BOT_ID = 'happytalk_bot';

function completedRoom(): SimRoom {
  const customer = '1000225570_minji88';
  const counselor = 'haneul.kim';
  return {
    chat: chatRecord({
      id: SAMPLE_ROOM_IDS.completed,
      title: '주문한 상품 배송 문의',
      counselor_name: '김하늘',
      counselor_nickname: '하늘',
      customer_uuid: customer,
      users_id: 'minji88',
      category_id: '75345',
      division_id: '75347',
      cate_name1: '상품문의',
      cate_name2: '배송문의',
      etc_assign: '배송지연',
      reg_date: '2024-03-11 14:02:13',
      complate_date: '2024-03-11 14:19:40',
      out_api: '0',
      status: '2',
      order_number: '20240304-0012345',
      product_number: '1000387512',
      parcel_number: '651234567890',
      parcel_companycode: '4',
      app_ver: '5.3.1',
      phone_os: 'A',
      phone_model: 'SM-S921N',
      phone_osver: '14',
      phone_telecomm: 'SKT',
      app_hash: '9f2c4e7a1b3d5f60',
      parameter1: 'GOLD',
      parameter2: 'app_order_detail',
      vote_score: '5',
      vote_comment: '빠르고 친절한 상담 감사합니다!\n다음에도 이용할게요 😀',
    }),
    message: [
      messageRecord({
        id: '563101',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contents: '안녕하세요! 해피쇼핑 고객센터입니다.\n상담 유형을 선택해 주세요.',
        sent: '2024-03-11 14:02:13',
      }),
      messageRecord({
        id: '563102',
        from: customer,
        to: BOT_ID,
        userType: 'C',
        contents: '상품 문의',
        sent: '2024-03-11 14:02:20',
      }),
      messageRecord({
        id: '563103',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contents: '상담사를 연결해 드릴게요. 잠시만 기다려 주세요 🙏',
        sent: '2024-03-11 14:02:21',
      }),
      messageRecord({
        id: '563104',
        from: counselor,
        to: customer,
        userType: 'H',
        contents: '안녕하세요, 상담사 김하늘입니다. 무엇을 도와드릴까요?',
        sent: '2024-03-11 14:03:02',
        read: '2024-03-11 14:03:05',
      }),
      messageRecord({
        id: '563105',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '지난주에 주문한 니트 가디건이 아직 안 왔어요 😢\n주문번호는 20240304-0012345 입니다.',
        sent: '2024-03-11 14:04:18',
        read: '2024-03-11 14:04:20',
      }),
      messageRecord({
        id: '563106',
        from: counselor,
        to: counselor,
        type: 'M',
        userType: 'H',
        contents: '배송 지연 건. 대한통운 집하 지연 확인 → 3/12 도착 예정 안내함',
        sent: '2024-03-11 14:06:40',
      }),
      messageRecord({
        id: '563107',
        from: counselor,
        to: customer,
        userType: 'H',
        contents: '확인해 보니 택배사 집하가 늦어져 내일(3/12) 도착 예정입니다.\n불편을 드려 죄송합니다.',
        sent: '2024-03-11 14:07:12',
        read: '2024-03-11 14:07:30',
      }),
      messageRecord({
        id: '563108',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '네 알겠습니다. 도착 전에 연락 받을 수 있을까요? 제 번호는 010-2345-6789 입니다.',
        sent: '2024-03-11 14:09:55',
        read: '2024-03-11 14:10:01',
      }),
      messageRecord({
        id: '563109',
        from: counselor,
        to: customer,
        userType: 'H',
        contents: '네, 배송 기사님께 전달해 두겠습니다. 다른 문의 사항 있으실까요?',
        sent: '2024-03-11 14:11:26',
        read: '2024-03-11 14:11:40',
      }),
      messageRecord({
        id: '563110',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '없어요 감사합니다 👍👍',
        sent: '2024-03-11 14:18:02',
        read: '2024-03-11 14:18:05',
      }),
      messageRecord({
        id: '563111',
        from: counselor,
        to: customer,
        userType: 'H',
        contents: '감사합니다. 좋은 하루 보내세요 😊',
        sent: '2024-03-11 14:18:30',
        read: '2024-03-11 14:18:33',
      }),
      messageRecord({
        id: '563112',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '고객님이 종료하였습니다.',
        sent: '2024-03-11 14:19:40',
      }),
    ],
  };
}

function openRoom(): SimRoom {
  const customer = '1000225570_guest_8f3k2q';
  const counselor = 'seojun.park';
  return {
    chat: chatRecord({
      id: SAMPLE_ROOM_IDS.open,
      title: '환불 문의',
      counselor_name: '박서준',
      counselor_nickname: '서준',
      customer_uuid: customer,
      users_id: '',
      category_id: '75350',
      division_id: '75352',
      cate_name1: '취소/환불',
      cate_name2: '환불문의',
      reg_date: '2024-03-12 09:41:05',
      complate_date: OPEN_ROOM_COMPLATE_DATE,
      out_api: '1',
      status: '1',
      order_number: '20240309-0098765',
      phone_os: 'W',
    }),
    message: [
      messageRecord({
        id: '571201',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contents: '네이버 톡톡으로 문의해 주셔서 감사합니다. 상담사를 연결해 드릴게요.',
        sent: '2024-03-12 09:41:05',
      }),
      messageRecord({
        id: '571202',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '주문 취소했는데 환불이 아직 안 됐어요',
        sent: '2024-03-12 09:41:32',
        read: '2024-03-12 09:42:10',
      }),
      messageRecord({
        id: '571203',
        from: counselor,
        to: customer,
        userType: 'H',
        contents:
          '안녕하세요, 박서준입니다. 주문번호 20240309-0098765 건 확인 중입니다. 잠시만 기다려 주세요.',
        sent: '2024-03-12 09:43:01',
        read: '2024-03-12 09:43:04',
      }),
      messageRecord({
        id: '571204',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '카드 결제 취소는 보통 며칠 걸리나요?',
        sent: '2024-03-12 09:44:17',
        read: '2024-03-12 09:44:20',
      }),
    ],
  };
}

function imageUrl(day: string, hash: string): string {
  return `https://static.happytalk.io/data/chat_data/${day}/${hash}_w.png`;
}

function imagesRoom(): SimRoom {
  const customer = '1000225570_jiwoo_lee';
  const counselor = 'yuna.choi';
  return {
    chat: chatRecord({
      id: SAMPLE_ROOM_IDS.images,
      title: '상품 파손 교환 요청',
      counselor_name: '최유나',
      counselor_nickname: '유나',
      customer_uuid: customer,
      users_id: 'jiwoo_lee',
      category_id: '75350',
      division_id: '75353',
      cate_name1: '교환/반품',
      cate_name2: '파손',
      reg_date: '2022-03-25 16:20:44',
      complate_date: '2022-03-25 16:41:09',
      out_api: '2',
      status: '2',
      order_number: '20220321-0004521',
      product_number: '2000145532',
      parcel_number: '409876543210',
      parcel_companycode: '5',
      phone_os: 'I',
      phone_model: 'iPhone14,5',
      phone_osver: '15.4',
      phone_telecomm: 'KT',
      vote_score: '4',
      vote_comment: '교환 처리 빨라서 좋았어요',
    }),
    message: [
      messageRecord({
        id: '565401',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '받은 머그컵이 깨져서 왔어요. 사진 보내드릴게요',
        sent: '2022-03-25 16:20:44',
        read: '2022-03-25 16:21:02',
      }),
      messageRecord({
        id: '565402',
        from: customer,
        to: counselor,
        userType: 'C',
        contentsType: 'image',
        contents: imageUrl('2022_03_25', '5d41402abc4b2a76b9719d911017c592'),
        sent: '2022-03-25 16:21:15',
        read: '2022-03-25 16:21:20',
      }),
      messageRecord({
        id: '565403',
        from: customer,
        to: counselor,
        userType: 'C',
        contentsType: 'image',
        contents: imageUrl('2022_03_25', '7d793037a0760186574b0282f2f435e7'),
        sent: '2022-03-25 16:21:16',
        read: '2022-03-25 16:21:20',
      }),
      messageRecord({
        id: '565404',
        from: counselor,
        to: customer,
        userType: 'H',
        contents:
          '사진 확인했습니다. 불편을 드려 정말 죄송합니다.\n아래 안내대로 포장해 주시면 회수 후 새 상품으로 보내드릴게요.',
        sent: '2022-03-25 16:24:03',
        read: '2022-03-25 16:24:10',
      }),
      messageRecord({
        id: '565405',
        from: counselor,
        to: customer,
        userType: 'H',
        contentsType: 'image',
        contents: imageUrl('2022_03_25', 'e4da3b7fbbce2345d7772b0674a318d5'),
        sent: '2022-03-25 16:24:30',
        read: '2022-03-25 16:24:41',
      }),
      messageRecord({
        id: '565406',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '네 알겠습니다~ 감사해요',
        sent: '2022-03-25 16:40:51',
        read: '2022-03-25 16:40:55',
      }),
      messageRecord({
        id: '565407',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '고객님이 종료하였습니다.',
        sent: '2022-03-25 16:41:09',
      }),
    ],
  };
}

function buttonsRoom(): SimRoom {
  const customer = '1000225570_doyoon2';
  const menuButton = encodePhpJson({
    text: '무엇을 도와드릴까요? 아래 메뉴를 선택해 주세요.',
    link: {
      name: ['주문 조회', '배송 조회', '상담사 연결'],
      url: [
        'https://shop.example.co.kr/mypage/order',
        'https://shop.example.co.kr/mypage/delivery',
        'https://shop.example.co.kr/cs/connect',
      ],
    },
    image_url: imageUrl('2024_03_13', 'a87ff679a2f3e71d9181a67b7542122c'),
  });
  const deliveryButton = JSON.stringify({
    text: '배송 조회 결과입니다 🚚\n3/14(목) 도착 예정',
    link: { name: ['배송 상세 보기'], url: ['https://shop.example.co.kr/mypage/delivery/651234567891'] },
    image_url: '',
  });
  const faqTemplate = JSON.stringify({
    template_id: 'T1024',
    type: 'list',
    title: '자주 묻는 질문',
    items: [
      { title: '배송은 얼마나 걸리나요?', value: 'faq_1' },
      { title: '교환/반품은 어떻게 하나요?', value: 'faq_2' },
    ],
  });
  const brokenButton =
    '{"text":"쿠폰함 바로가기","link":{"name":["쿠폰함"],"url":["https://shop.example.co.kr/coupon';
  return {
    chat: chatRecord({
      id: SAMPLE_ROOM_IDS.buttons,
      title: '챗봇 상담',
      customer_uuid: customer,
      users_id: 'doyoon2',
      category_id: '75360',
      division_id: '75361',
      cate_name1: '챗봇',
      cate_name2: '배송조회',
      reg_date: '2024-03-13 20:15:02',
      complate_date: '2024-03-13 20:17:48',
      out_api: '0',
      status: '4',
      parcel_number: '651234567891',
      parcel_companycode: '4',
      phone_os: 'A',
      phone_model: 'SM-A546N',
      phone_osver: '13',
      phone_telecomm: 'LGU+',
    }),
    message: [
      messageRecord({
        id: '566701',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'nomal',
        contents: menuButton,
        sent: '2024-03-13 20:15:02',
      }),
      messageRecord({
        id: '566702',
        from: customer,
        to: BOT_ID,
        userType: 'C',
        contents: '배송 조회',
        sent: '2024-03-13 20:15:20',
      }),
      messageRecord({
        id: '566703',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'normal',
        contents: deliveryButton,
        sent: '2024-03-13 20:15:21',
      }),
      messageRecord({
        id: '566704',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'template',
        contents: faqTemplate,
        sent: '2024-03-13 20:15:22',
      }),
      messageRecord({
        id: '566705',
        from: customer,
        to: BOT_ID,
        userType: 'C',
        contents: '쿠폰은 어디서 봐요?',
        sent: '2024-03-13 20:16:40',
      }),
      messageRecord({
        id: '566706',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'nomal',
        contents: brokenButton,
        sent: '2024-03-13 20:16:41',
      }),
      messageRecord({
        id: '566707',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contents: '챗봇 상담이 종료되었습니다.',
        sent: '2024-03-13 20:17:48',
      }),
    ],
  };
}

function oddCodesRoom(): SimRoom {
  const customer = '1000225570_a7c91e';
  const parcelCounselor = 'parcel.jung';
  const productCounselor = 'product.han';
  const duplicated = messageRecord({
    id: '568904',
    from: parcelCounselor,
    to: customer,
    userType: '1',
    contents: '택배 담당 정민호입니다. 회수 기사님이 내일 오전에 방문합니다.',
    sent: '2023-11-02 11:05:40',
    read: '2023-11-02 11:05:52',
  });
  return {
    chat: chatRecord(
      {
        id: SAMPLE_ROOM_IDS.oddCodes,
        title: '반품 회수 문의',
        counselor_name: '정민호',
        counselor_nickname: '민호',
        customer_uuid: customer,
        users_id: null,
        category_id: '75350',
        division_id: '75354',
        cate_name1: '교환/반품',
        cate_name2: '회수',
        etc_assign: '재방문',
        reg_date: '2023-11-02 11:02:10',
        complate_date: '2023-11-02 11:12:31',
        out_api: '2',
        status: '7',
        order_number: '20231030-0077001',
        parcel_number: '123456789012',
        parcel_companycode: 'W',
        app_ver: '4.9.0',
        phone_os: 'I',
        phone_model: 'iPhone15,2',
        phone_osver: '17.1',
        phone_telecomm: 'SKT',
        parameter10: '재문의',
        vote_comment: '',
      },
      {
        tags: ['VIP', '재문의'],
        user_parameter: { member_grade: 'VVIP', utm_source: 'kakao_channel' },
      },
    ),
    message: [
      messageRecord({
        id: '568901',
        from: BOT_ID,
        to: customer,
        userType: 'Q',
        contentsType: 'template',
        contents: JSON.stringify({
          question: '어떤 도움이 필요하신가요?',
          options: ['반품', '교환', '기타'],
        }),
        sent: '2023-11-02 11:02:10',
      }),
      messageRecord({
        id: '568903',
        from: customer,
        to: parcelCounselor,
        userType: 'C',
        contents: '회수 기사님이 안 오셨어요.\n오늘 오전에 오신다고 했는데요',
        sent: '2023-11-02 11:03:58',
        read: '2023-11-02 11:04:30',
      }),
      messageRecord({
        id: '568902',
        from: customer,
        to: BOT_ID,
        userType: 'A',
        contentsType: 'template',
        contents: JSON.stringify({ answer: '반품' }),
        sent: '2023-11-02 11:02:31',
      }),
      duplicated,
      { ...duplicated },
      {
        ...messageRecord({
          id: '568906',
          from: customer,
          to: productCounselor,
          userType: 'C',
          contents: '네 감사합니다 🙇‍♀️',
          sent: '2023-11-02 11:12:02',
          read: '2023-11-02 11:12:10',
        }),
        reply_to: '568905',
      },
      messageRecord({
        id: '568905',
        from: productCounselor,
        to: customer,
        userType: '2',
        contents: '상품 담당 한지민입니다. 회수 확인되는 대로 환불 진행해 드리겠습니다.',
        sent: '2023-11-02 11:09:12',
        read: '2023-11-02 11:09:30',
      }),
      messageRecord({
        id: '568907',
        from: customer,
        to: productCounselor,
        userType: 'C',
        contents: '고객님이 종료하였습니다.',
        sent: '2023-11-02 11:12:31',
      }),
    ],
  };
}

/**
 * HappyTalk's own example of a template V2 message (its chat-history API
 * documentation, customer_uuid example), byte for byte.
 */
export const DOCUMENTED_V2_TEMPLATE =
  '{"type":"TEXT","message":"텍스트 + 버튼에 텍스트","isLocked":false,"buttonList":[{"type":"WEB_LINK","name":"링크","pcUrl":"https://example.com","mobileUrl":"https://example.com"},{"type":"TEXT","name":"봇키워드"}]}';

/** The V2 chatbot menu: bot keywords (TEXT buttons), input locked until one is picked. */
function keywordMenuV2(message: string, keywords: readonly string[]): string {
  return encodePhpJson({
    type: 'TEXT',
    message,
    isLocked: true,
    buttonList: keywords.map((name) => ({ type: 'TEXT', name })),
  });
}

function templatesV2Room(): SimRoom {
  const customer = '1000225570_seoyun_k';
  const counselor = 'dohyun.lee';
  const deliveryResult = encodePhpJson({
    type: 'IMAGE',
    message: '배송 조회 결과입니다 🚚\n11/28(토) 도착 예정',
    isLocked: false,
    image: { url: imageUrl('2026_11_27', '1679091c5a880faf6fb5e6087eb1b2dc'), width: 600, height: 400 },
    buttonList: [
      {
        type: 'WEB_LINK',
        name: '배송 상세 보기',
        mobileUrl: 'https://m.shop.example.co.kr/mypage/delivery/651234567892',
      },
      {
        type: 'APP_LINK',
        name: '앱에서 보기',
        iosUrl: 'happyshop://delivery',
        androidUrl: 'happyshop://delivery',
      },
      { type: 'TEXT', name: '처음으로' },
    ],
  });
  const unreadable = JSON.stringify({ type: 'TEXT', message: '', isLocked: false, buttonList: [] });
  const contact = JSON.stringify({
    type: 'TEXT',
    message: '상담 가능 시간은 평일 09:00~18:00입니다.',
    isLocked: false,
    buttonList: [{ type: 'PHONE', name: '전화 상담', phoneNumber: '1588-0000' }],
  });
  return {
    chat: chatRecord(
      {
        id: SAMPLE_ROOM_IDS.templatesV2,
        title: '챗봇 배송 조회 후 상담 연결',
        counselor_name: '이도현',
        counselor_nickname: '도현',
        customer_uuid: customer,
        users_id: 'seoyun_k',
        category_id: '75360',
        division_id: '75361',
        cate_name1: '챗봇',
        cate_name2: '배송조회',
        reg_date: '2026-11-27 19:42:05',
        complate_date: '2026-11-27 19:51:40',
        out_api: '0',
        status: '2',
        order_number: '20261125-0031337',
        parcel_number: '651234567892',
        parcel_companycode: '4',
        app_ver: '6.1.0',
        phone_os: 'I',
        phone_model: 'iPhone16,1',
        phone_osver: '18.1',
        phone_telecomm: 'KT',
        vote_score: '5',
        vote_comment: '챗봇으로 바로 확인돼서 편했어요',
      },
      {
        tags: ['#배송문의', '#챗봇'],
        user_parameter: '{"member_grade":"GOLD","entry":"app_home"}',
      },
    ),
    message: [
      messageRecord({
        id: '581001',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'template',
        contents: keywordMenuV2('안녕하세요! 해피쇼핑 챗봇입니다.\n원하시는 메뉴를 선택해 주세요.', [
          '주문 조회',
          '배송 조회',
          '교환/반품',
          '상담사 연결',
        ]),
        sent: '2026-11-27 19:42:05',
      }),
      messageRecord({
        id: '581002',
        from: customer,
        to: BOT_ID,
        userType: 'C',
        contents: '배송 조회',
        sent: '2026-11-27 19:42:21',
      }),
      messageRecord({
        id: '581003',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'template',
        contents: deliveryResult,
        sent: '2026-11-27 19:42:22',
      }),
      messageRecord({
        id: '581004',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'template',
        contents: DOCUMENTED_V2_TEMPLATE,
        sent: '2026-11-27 19:42:23',
      }),
      messageRecord({
        id: '581005',
        from: customer,
        to: BOT_ID,
        userType: 'C',
        contents: '상담사 연결',
        sent: '2026-11-27 19:43:02',
      }),
      messageRecord({
        id: '581006',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'template',
        contents: unreadable,
        sent: '2026-11-27 19:43:03',
      }),
      messageRecord({
        id: '581007',
        from: BOT_ID,
        to: customer,
        userType: 'B',
        contentsType: 'template',
        contents: contact,
        sent: '2026-11-27 19:43:04',
      }),
      messageRecord({
        id: '581008',
        from: counselor,
        to: customer,
        userType: 'H',
        contents: '안녕하세요, 상담사 이도현입니다. 배송 관련해서 더 궁금하신 점 있으실까요?',
        sent: '2026-11-27 19:45:30',
        read: '2026-11-27 19:45:41',
      }),
      messageRecord({
        id: '581009',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '아니요 확인했어요 감사합니다 👍',
        sent: '2026-11-27 19:51:12',
        read: '2026-11-27 19:51:15',
      }),
      messageRecord({
        id: '581010',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '고객님이 종료하였습니다.',
        sent: '2026-11-27 19:51:40',
      }),
    ],
  };
}

function counselorV2Room(): SimRoom {
  const customer = '1000225570_hajun_p';
  const counselor = 'sua.jung';
  const returnGuide = encodePhpJson({
    type: 'IMAGE',
    message: '반품 신청은 아래 버튼에서 하실 수 있어요.\n회수 기사님이 2~3일 안에 방문합니다.',
    isLocked: false,
    imageUrl: imageUrl('2026_11_28', '8f14e45fceea167a5a36dedd4bea2543'),
    buttonList: [
      {
        type: 'WEB_LINK',
        name: '반품 신청',
        pcUrl: 'https://shop.example.co.kr/mypage/return/20261120-0042001',
        mobileUrl: 'https://m.shop.example.co.kr/mypage/return/20261120-0042001',
      },
      { type: 'TEXT', name: '반품 비용 문의' },
    ],
  });
  const v1Survey = JSON.stringify({
    text: '상담은 만족스러우셨나요?',
    link: { name: ['만족도 조사'], url: ['https://shop.example.co.kr/survey?room=kW5rNt9X'] },
    image_url: '',
  });
  return {
    chat: chatRecord(
      {
        id: SAMPLE_ROOM_IDS.counselorV2,
        title: '반품 신청 방법 문의',
        counselor_name: '정수아',
        counselor_nickname: '수아',
        customer_uuid: customer,
        users_id: 'hajun_p',
        category_id: '75350',
        division_id: '75355',
        cate_name1: '교환/반품',
        cate_name2: '반품신청',
        reg_date: '2026-11-28 10:12:40',
        complate_date: '2026-11-28 10:20:03',
        out_api: '1',
        status: '2',
        order_number: '20261120-0042001',
        phone_os: 'W',
      },
      { tags: '#반품|#재문의', user_parameter: '' },
    ),
    message: [
      messageRecord({
        id: '582101',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '지난주에 산 운동화 반품하고 싶어요. 어떻게 하나요?',
        sent: '2026-11-28 10:12:40',
        read: '2026-11-28 10:13:02',
      }),
      messageRecord({
        id: '582102',
        from: counselor,
        to: customer,
        userType: 'H',
        contentsType: 'template',
        contents: returnGuide,
        sent: '2026-11-28 10:14:10',
        read: '2026-11-28 10:14:18',
      }),
      messageRecord({
        id: '582103',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '반품 비용 문의',
        sent: '2026-11-28 10:15:01',
        read: '2026-11-28 10:15:05',
      }),
      messageRecord({
        id: '582104',
        from: counselor,
        to: customer,
        userType: 'H',
        contents: '단순 변심 반품은 왕복 배송비 6,000원이 차감됩니다.',
        sent: '2026-11-28 10:16:30',
        read: '2026-11-28 10:16:44',
      }),
      messageRecord({
        id: '582105',
        from: counselor,
        to: customer,
        userType: 'H',
        contentsType: 'normal',
        contents: v1Survey,
        sent: '2026-11-28 10:19:40',
        read: '2026-11-28 10:19:52',
      }),
      messageRecord({
        id: '582106',
        from: customer,
        to: counselor,
        userType: 'C',
        contents: '고객님이 종료하였습니다.',
        sent: '2026-11-28 10:20:03',
      }),
    ],
  };
}

/**
 * The sample rooms, one of each kind described at {@link SAMPLE_ROOM_IDS}, in
 * that order. Every call returns fresh objects: callers may change them.
 */
export function sampleRooms(): SimRoom[] {
  return [
    specExampleRoom(),
    completedRoom(),
    openRoom(),
    imagesRoom(),
    buttonsRoom(),
    oddCodesRoom(),
    templatesV2Room(),
    counselorV2Room(),
  ];
}

/**
 * The room id of a {@link SimRoom}: its `chat.id` as a string.
 *
 * @throws InvalidSimRoomError when `chat.id` is neither a non-empty string nor a number.
 */
export function simRoomId(room: SimRoom): string {
  const id = room.chat.id;
  if (typeof id === 'string' && id !== '') {
    return id;
  }
  if (typeof id === 'number' && Number.isFinite(id)) {
    return String(id);
  }
  throw new InvalidSimRoomError(`room chat.id must be a non-empty string, received ${JSON.stringify(id)}`);
}

/** Options of {@link generateRoom}. */
export interface GenerateRoomOptions {
  /** The room id (`chat.id`); any non-empty string. See {@link makeRoomId} for a HappyTalk-like one. */
  roomId: string;
  /** How many messages the room has: an integer from 0. */
  messageCount: number;
  /** Seed of the generator; default: derived from `roomId`. Same options, same room. */
  seed?: number;
  /** `chat.status`; default `"2"` (completed). `"-2"`, `"-1"`, `"0"` and `"1"` make an open room. */
  status?: string;
  /** `chat.reg_date` and the first message's time, `YYYY-MM-DD HH:mm:ss`; default `2024-01-15 09:00:00`. */
  regDate?: string;
  /**
   * The bot's template format: with `v1` or `v2`, the greeting and some bot
   * messages are button or template messages in that format (V2 ones of
   * several button types, some with `isLocked`, now and then one with nothing
   * readable), and a `v2` room has `tags`, as a list or as `"#a|#b"`, or none.
   * Default: none, the bot sends plain text.
   */
  templates?: TemplateFormat;
}

/** HappyTalk's two template formats (NOTES.md): V1 before its 2026-06-30 deadline, V2 after. */
export type TemplateFormat = 'v1' | 'v2';

const DEFAULT_REG_DATE = '2024-01-15 09:00:00';
/**
 * Chat fields and messages draw from separate streams, so the same room with
 * more messages keeps its chat fields and its earlier messages, as a room that
 * grew would.
 */
const MESSAGE_STREAM = 0x9e3779b9;
const TAG_STREAM = 0x85ebca6b;
/** Statuses of a room not finished yet (NOTES.md): in the chatbot (-2, -1), with a counselor (0, 1). */
export const OPEN_ROOM_STATUSES: ReadonlySet<string> = new Set(['-2', '-1', '0', '1']);
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const COUNSELORS: readonly [[string, string, string], ...[string, string, string][]] = [
  ['김하늘', '하늘', 'haneul.kim'],
  ['박서준', '서준', 'seojun.park'],
  ['최유나', '유나', 'yuna.choi'],
  ['이도현', '도현', 'dohyun.lee'],
  ['정수아', '수아', 'sua.jung'],
];

const CATEGORIES: readonly [[string, string], ...[string, string][]] = [
  ['상품문의', '일반상담'],
  ['상품문의', '배송문의'],
  ['교환/반품', '교환'],
  ['취소/환불', '환불문의'],
  ['회원정보', '로그인'],
];

const CUSTOMER_LINES: readonly [string, ...string[]] = [
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

const COUNSELOR_LINES: readonly [string, ...string[]] = [
  '안녕하세요, 고객님. 무엇을 도와드릴까요?',
  '주문 내역 확인해 보겠습니다. 잠시만 기다려 주세요.',
  '확인 결과 내일 도착 예정입니다.',
  '불편을 드려 죄송합니다.',
  '교환 접수 도와드리겠습니다.',
  '환불은 영업일 기준 3~5일 소요됩니다.',
  '다른 문의 사항 있으실까요?',
  '감사합니다. 좋은 하루 보내세요.',
];

const BOT_LINES: readonly [string, ...string[]] = [
  '안녕하세요! 해피쇼핑 고객센터입니다.\n상담 유형을 선택해 주세요.',
  '상담사를 연결해 드릴게요. 잠시만 기다려 주세요.',
  '지금은 상담 대기 인원이 많습니다. 순서대로 연결해 드릴게요.',
];

const MEMO_LINES: readonly [string, ...string[]] = [
  '재문의 고객. 이전 상담 내역 참고',
  '배송 지연 안내 완료',
  '환불 요청 → 담당 부서 전달',
];

const EMOJI: readonly [string, ...string[]] = ['😊', '🙏', '😢', '👍', '🚚', '❤️', '🙇‍♀️'];

function parseDatetime(text: string): number {
  const parts = DATETIME.exec(text);
  if (parts === null) {
    throw new InvalidSimRoomError(
      `regDate must look like YYYY-MM-DD HH:mm:ss, received ${JSON.stringify(text)}`,
    );
  }
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  if (Number.isNaN(ms) || formatDatetime(ms) !== text) {
    throw new InvalidSimRoomError(`regDate must be a real date and time, received ${JSON.stringify(text)}`);
  }
  return ms;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** HappyTalk's bare `Y-m-d H:i:s`; the generator works in a zone-less clock. */
function formatDatetime(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function imageDay(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}_${two(date.getUTCMonth() + 1)}_${two(date.getUTCDate())}`;
}

function validateGenerateOptions(options: GenerateRoomOptions): void {
  if (typeof options.roomId !== 'string' || options.roomId === '') {
    throw new InvalidSimRoomError(
      `roomId must be a non-empty string, received ${JSON.stringify(options.roomId)}`,
    );
  }
  if (!Number.isSafeInteger(options.messageCount) || options.messageCount < 0) {
    throw new InvalidSimRoomError(
      `messageCount must be an integer from 0, received ${JSON.stringify(options.messageCount)}`,
    );
  }
}

interface Participants {
  customer: string;
  counselor: string;
}

function withEmoji(random: RandomSource, text: string): string {
  return random() < 0.15 ? `${text} ${pick(random, EMOJI)}` : text;
}

function generatedMessage(
  random: RandomSource,
  people: Participants,
  messageId: number,
  sentMs: number,
): Record<string, unknown> {
  const roll = random();
  const id = String(messageId);
  const sent = formatDatetime(sentMs);
  const read = formatDatetime(sentMs + randomInt(random, 0, 20) * 1000);
  if (roll < 0.02) {
    return messageRecord({
      id,
      from: people.counselor,
      to: people.counselor,
      type: 'M',
      userType: 'H',
      contents: pick(random, MEMO_LINES),
      sent,
    });
  }
  if (roll < 0.05) {
    return messageRecord({
      id,
      from: people.customer,
      to: people.counselor,
      userType: 'C',
      contentsType: 'image',
      contents: imageUrl(imageDay(sentMs), randomHex(random, 32)),
      sent,
      read,
    });
  }
  if (roll < 0.08) {
    return messageRecord({
      id,
      from: BOT_ID,
      to: people.customer,
      userType: 'B',
      contents: pick(random, BOT_LINES),
      sent,
    });
  }
  if (roll < 0.54) {
    const line = pick(random, CUSTOMER_LINES);
    const text = random() < 0.08 ? `${line}\n${pick(random, CUSTOMER_LINES)}` : line;
    return messageRecord({
      id,
      from: people.customer,
      to: people.counselor,
      userType: 'C',
      contents: withEmoji(random, text),
      sent,
      read,
    });
  }
  return messageRecord({
    id,
    from: people.counselor,
    to: people.customer,
    userType: 'H',
    contents: withEmoji(random, pick(random, COUNSELOR_LINES)),
    sent,
    read,
  });
}

/**
 * A HappyTalk-like 30-character alphanumeric room id, the same for the same seed.
 */
export function makeRoomId(seed: number | string): string {
  return randomAlphanumeric(createRandom(typeof seed === 'string' ? seedFromText(seed) : seed), 30);
}

/**
 * A large room of realistic Korean messages, deterministic for the same options
 * (seeded, no `Math.random`). Message ids are increasing numeric strings and
 * send dates never go back. The first message is a bot greeting; a completed
 * room ends with the customer's "고객님이 종료하였습니다." and its
 * `complate_date` is that message's time; an open room (status -2, -1, 0 or 1) has
 * `complate_date` "0000-00-00 00:00:00". Messages mix customer and counselor
 * text (some with emoji or newlines), bot text, memos and images.
 *
 * @throws InvalidSimRoomError when an option is out of range.
 */
export function generateRoom(options: GenerateRoomOptions): SimRoom {
  validateGenerateOptions(options);
  const seed = options.seed ?? seedFromText(options.roomId);
  const status = options.status ?? '2';
  const regDate = options.regDate ?? DEFAULT_REG_DATE;
  const isOpen = OPEN_ROOM_STATUSES.has(status);
  const { chat, people } = generatedChat(createRandom(seed), options.roomId, status, regDate);
  if (options.templates === 'v2') {
    // Drawn from a stream of their own, so that the other chat fields stay those of a room without tags.
    const tags = generatedTags(createRandom(seed ^ TAG_STREAM));
    if (tags !== undefined) chat.tags = tags;
  }
  const messages = generatedMessages(createRandom(seed ^ MESSAGE_STREAM), people, {
    count: options.messageCount,
    startMs: parseDatetime(regDate),
    closes: !isOpen,
    templates: options.templates,
  });
  const lastSent = messages.at(-1)?.send_date ?? regDate;
  chat.complate_date = isOpen ? OPEN_ROOM_COMPLATE_DATE : lastSent;
  return { chat, message: messages };
}

function generatedChat(
  random: RandomSource,
  roomId: string,
  status: string,
  regDate: string,
): { chat: Record<string, unknown>; people: Participants } {
  const [counselorName, counselorNickname, counselorId] = pick(random, COUNSELORS);
  const [category1, category2] = pick(random, CATEGORIES);
  const userId = `user${randomInt(random, 1000, 99_999)}`;
  const people: Participants = { customer: `1000225570_${userId}`, counselor: counselorId };
  const orderSerial = String(randomInt(random, 1, 9_999_999)).padStart(7, '0');
  const chat = chatRecord({
    id: roomId,
    title: `${category1} 상담`,
    counselor_name: counselorName,
    counselor_nickname: counselorNickname,
    customer_uuid: people.customer,
    users_id: userId,
    category_id: String(randomInt(random, 70_000, 79_999)),
    division_id: String(randomInt(random, 70_000, 79_999)),
    cate_name1: category1,
    cate_name2: category2,
    reg_date: regDate,
    out_api: String(randomInt(random, 0, 2)),
    status,
    order_number: `${regDate.slice(0, 10).replaceAll('-', '')}-${orderSerial}`,
    phone_os: pick(random, ['A', 'I', 'W']),
  });
  return { chat, people };
}

interface MessagePlan {
  count: number;
  startMs: number;
  /** Whether the last message is the customer closing the room. */
  closes: boolean;
  templates: TemplateFormat | undefined;
}

function generatedMessages(
  random: RandomSource,
  people: Participants,
  plan: MessagePlan,
): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = new Array(plan.count);
  let messageId = randomInt(random, 1_000_000, 8_999_999);
  let sentMs = plan.startMs;
  for (let index = 0; index < plan.count; index++) {
    if (index === 0) {
      messages[index] = plan.templates
        ? templateMessage(random, people, messageId, sentMs, plan.templates, true)
        : greetingMessage(random, people, messageId, sentMs);
    } else if (plan.closes && index === plan.count - 1) {
      messages[index] = closingMessage(people, messageId, sentMs);
    } else if (plan.templates && index === 1) {
      // The customer picks a keyword of the menu; the bot answers with a template.
      messages[index] = messageRecord({
        id: String(messageId),
        from: people.customer,
        to: BOT_ID,
        userType: 'C',
        contents: pick(random, KEYWORDS),
        sent: formatDatetime(sentMs),
      });
    } else if (plan.templates && index === 2) {
      messages[index] = templateMessage(random, people, messageId, sentMs, plan.templates, false);
    } else {
      const message = generatedMessage(random, people, messageId, sentMs);
      messages[index] =
        plan.templates && message.user_type === 'B'
          ? templateMessage(random, people, messageId, sentMs, plan.templates, false)
          : message;
    }
    messageId += randomInt(random, 1, 3);
    sentMs += randomInt(random, 1, 30) * 1000;
  }
  return messages;
}

function greetingMessage(
  random: RandomSource,
  people: Participants,
  messageId: number,
  sentMs: number,
): Record<string, unknown> {
  return messageRecord({
    id: String(messageId),
    from: BOT_ID,
    to: people.customer,
    userType: 'B',
    contents: pick(random, BOT_LINES),
    sent: formatDatetime(sentMs),
  });
}

const TAGS: readonly [string, ...string[]] = ['#배송문의', '#교환', '#환불', '#VIP', '#재문의', '#챗봇'];

/** A third of the rooms have no tags, a third a list, a third HappyTalk's archive form `"#a|#b"`. */
function generatedTags(random: RandomSource): string[] | string | undefined {
  const roll = random();
  if (roll < 1 / 3) return undefined;
  const first = pick(random, TAGS);
  const second = pick(random, TAGS);
  const tags = first === second ? [first] : [first, second];
  return roll < 2 / 3 ? tags : tags.join('|');
}

const KEYWORDS: readonly [string, ...string[]] = ['주문 조회', '배송 조회', '교환/반품', '상담사 연결'];

/** Bot templates in HappyTalk's V1 format (`text`, `link`, `image_url`), as `nomal`, `normal` or `template`. */
const V1_TEMPLATES: readonly [
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
const V2_TEMPLATES: readonly [
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
const UNREADABLE_V2_TEMPLATE = JSON.stringify({ type: 'TEXT', message: '', isLocked: false, buttonList: [] });

/** A bot button or template message; the greeting is the menu of its format. */
function templateMessage(
  random: RandomSource,
  people: Participants,
  messageId: number,
  sentMs: number,
  format: TemplateFormat,
  greeting: boolean,
): Record<string, unknown> {
  const day = imageDay(sentMs);
  const values = {
    id: String(messageId),
    from: BOT_ID,
    to: people.customer,
    userType: 'B',
    sent: formatDatetime(sentMs),
  };
  if (format === 'v1') {
    const template = greeting ? V1_TEMPLATES[0] : pick(random, V1_TEMPLATES);
    return messageRecord({ ...values, ...template(random, day) });
  }
  const roll = random();
  const contents = greeting
    ? V2_TEMPLATES[0](random, day)
    : roll < 0.1
      ? UNREADABLE_V2_TEMPLATE
      : pick(random, V2_TEMPLATES)(random, day);
  return messageRecord({ ...values, contentsType: 'template', contents });
}

function closingMessage(people: Participants, messageId: number, sentMs: number): Record<string, unknown> {
  return messageRecord({
    id: String(messageId),
    from: people.customer,
    to: people.counselor,
    userType: 'C',
    contents: '고객님이 종료하였습니다.',
    sent: formatDatetime(sentMs),
  });
}
