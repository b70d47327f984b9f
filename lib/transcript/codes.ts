/**
 * HappyTalk's code tables: the Korean label of each code from `chat_data.md`'s
 * data dictionary, and the stable English slug (`name`) of the transcript
 * contract's Slugs table. Codes the spec's tables lack but HappyTalk is known to
 * send (senders Q, A, 1, 2; content types `normal` and `template`) come from its
 * other public documents.
 */

/**
 * A known code as the transcript writes it. Frozen and shared by every message
 * that carries the code: a large room then costs no object per code.
 */
// A type literal, not an interface, so that it fits the open-ended Code of the schema.
export type KnownCode = {
  /** The raw code, e.g. `2`. */
  readonly code: string;
  /** The label in the spec's table, e.g. `완료`. */
  readonly label: string;
  /** The stable English slug, e.g. `completed`. */
  readonly name: string;
};

/** One code table, keyed by the raw code as HappyTalk sends it. */
export interface CodeTable {
  /** The raw field the codes arrive in, e.g. `parcel_companycode`. */
  readonly field: string;
  readonly codes: ReadonlyMap<string, KnownCode>;
}

// A Map, not an object literal, so that a raw code such as "constructor" or
// "__proto__" is never mistaken for a known one.
function codeTable(
  field: string,
  entries: Record<string, readonly [label: string, name: string]>,
): CodeTable {
  const codes = new Map<string, KnownCode>();
  for (const [code, [label, name]] of Object.entries(entries)) {
    codes.set(code, Object.freeze({ code, label, name }));
  }
  return Object.freeze({ field, codes });
}

/** `chat.status`: the state of the room (-2 and -1 from HappyTalk's archive docs, NOTES.md). */
export const STATUS_CODES: CodeTable = codeTable('status', {
  '-2': ['봇 상담 대기', 'bot_waiting'],
  '-1': ['봇 상담', 'bot_in_progress'],
  '0': ['접수대기', 'waiting'],
  '1': ['진행중', 'in_progress'],
  '2': ['완료', 'completed'],
  '3': ['삭제', 'deleted'],
  '4': ['챗봇종료', 'chatbot_ended'],
});

/** `chat.out_api`: the channel the customer wrote from. */
export const CHANNEL_CODES: CodeTable = codeTable('out_api', {
  '0': ['해피톡', 'happytalk'],
  '1': ['네이버 톡톡', 'naver_talktalk'],
  '2': ['카카오톡', 'kakaotalk'],
});

/** `chat.phone_os`: the customer's device OS. */
export const PHONE_OS_CODES: CodeTable = codeTable('phone_os', {
  A: ['안드로이드', 'android'],
  I: ['아이폰', 'ios'],
  W: ['웹', 'web'],
});

/** `message.type`: a message to the other party, or a counselor's memo. */
export const MESSAGE_TYPE_CODES: CodeTable = codeTable('type', {
  C: ['메시지', 'message'],
  M: ['메모', 'memo'],
});

/** `message.user_type`: who sent the message. */
export const SENDER_CODES: CodeTable = codeTable('user_type', {
  C: ['고객', 'customer'],
  H: ['상담원', 'counselor'],
  B: ['로봇', 'bot'],
  Q: ['템플릿 질문', 'template_question'],
  A: ['템플릿 답변', 'template_answer'],
  '1': ['택배 타상담원', 'parcel_counselor'],
  '2': ['상품 타상담원', 'product_counselor'],
});

/** `message.contents_type`: how `contents` is to be read. `nomal` is the spec's own spelling. */
export const CONTENT_TYPE_CODES: CodeTable = codeTable('contents_type', {
  text: ['단순 글자', 'text'],
  image: ['이미지 파일', 'image'],
  nomal: ['이미지 버튼', 'button'],
  normal: ['이미지 버튼', 'button'],
  template: ['템플릿', 'template'],
});

/** `chat.parcel_companycode`: the parcel carrier of the order. */
export const PARCEL_COMPANY_CODES: CodeTable = codeTable('parcel_companycode', {
  '1': ['우체국택배', 'korea_post'],
  '4': ['대한통운', 'cj_logistics'],
  '5': ['한진택배', 'hanjin'],
  '6': ['로젠택배', 'logen'],
  '8': ['롯데택배', 'lotte'],
  '11': ['일양로지스', 'ilyang_logis'],
  '12': ['EMS', 'ems'],
  '13': ['DHL', 'dhl'],
  '18': ['건영택배', 'kunyoung'],
  '21': ['Fedex', 'fedex'],
  '22': ['대신택배', 'daesin'],
  '23': ['경동택배', 'kyungdong'],
  '24': ['CVSnet 편의점택배', 'cvsnet'],
  '25': ['TNT Express', 'tnt_express'],
  '42': ['CJ대한통운 국제특송', 'cj_logistics_international'],
  '45': ['호남택배', 'honam'],
  '53': ['농협택배', 'nonghyup'],
  '99': ['롯데글로벌 로지스', 'lotte_global_logistics'],
});
