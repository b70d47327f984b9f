import { describe, expect, it } from 'vitest';
import {
  CHANNEL_CODES,
  CONTENT_TYPE_CODES,
  type CodeTable,
  MESSAGE_TYPE_CODES,
  PARCEL_COMPANY_CODES,
  PHONE_OS_CODES,
  SENDER_CODES,
  STATUS_CODES,
} from '../../../lib/transcript/codes.js';

function entries(table: CodeTable): Record<string, [label: string, name: string]> {
  return Object.fromEntries([...table.codes].map(([code, known]) => [code, [known.label, known.name]]));
}

describe('code tables', () => {
  it('map status as the spec, NOTES.md and the contract say, the chatbot statuses included', () => {
    // Act
    const table = entries(STATUS_CODES);

    // Assess
    expect(STATUS_CODES.field).toBe('status');
    expect(table).toEqual({
      '-2': ['봇 상담 대기', 'bot_waiting'],
      '-1': ['봇 상담', 'bot_in_progress'],
      '0': ['접수대기', 'waiting'],
      '1': ['진행중', 'in_progress'],
      '2': ['완료', 'completed'],
      '3': ['삭제', 'deleted'],
      '4': ['챗봇종료', 'chatbot_ended'],
    });
  });

  it('map the channel (out_api)', () => {
    // Act
    const table = entries(CHANNEL_CODES);

    // Assess
    expect(CHANNEL_CODES.field).toBe('out_api');
    expect(table).toEqual({
      '0': ['해피톡', 'happytalk'],
      '1': ['네이버 톡톡', 'naver_talktalk'],
      '2': ['카카오톡', 'kakaotalk'],
    });
  });

  it('map the device OS (phone_os)', () => {
    // Act
    const table = entries(PHONE_OS_CODES);

    // Assess
    expect(PHONE_OS_CODES.field).toBe('phone_os');
    expect(table).toEqual({ A: ['안드로이드', 'android'], I: ['아이폰', 'ios'], W: ['웹', 'web'] });
  });

  it('map the message type', () => {
    // Act
    const table = entries(MESSAGE_TYPE_CODES);

    // Assess
    expect(MESSAGE_TYPE_CODES.field).toBe('type');
    expect(table).toEqual({ C: ['메시지', 'message'], M: ['메모', 'memo'] });
  });

  it('map the sender (user_type), including the codes beyond the spec', () => {
    // Act
    const table = entries(SENDER_CODES);

    // Assess
    expect(SENDER_CODES.field).toBe('user_type');
    expect(table).toEqual({
      C: ['고객', 'customer'],
      H: ['상담원', 'counselor'],
      B: ['로봇', 'bot'],
      Q: ['템플릿 질문', 'template_question'],
      A: ['템플릿 답변', 'template_answer'],
      '1': ['택배 타상담원', 'parcel_counselor'],
      '2': ['상품 타상담원', 'product_counselor'],
    });
  });

  it('map the content type, both spellings of the button type included', () => {
    // Act
    const table = entries(CONTENT_TYPE_CODES);

    // Assess
    expect(CONTENT_TYPE_CODES.field).toBe('contents_type');
    expect(table).toEqual({
      text: ['단순 글자', 'text'],
      image: ['이미지 파일', 'image'],
      nomal: ['이미지 버튼', 'button'],
      normal: ['이미지 버튼', 'button'],
      template: ['템플릿', 'template'],
    });
  });

  it("map all 18 parcel companies of the spec's table", () => {
    // Act
    const table = entries(PARCEL_COMPANY_CODES);

    // Assess
    expect(PARCEL_COMPANY_CODES.field).toBe('parcel_companycode');
    expect(table).toEqual({
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
  });

  it('know no code that only an object prototype has', () => {
    // Act
    const found = ['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((code) =>
      STATUS_CODES.codes.get(code),
    );

    // Assess
    expect(found).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('share frozen code objects, whose code is their key', () => {
    // Act
    const completed = STATUS_CODES.codes.get('2');

    // Assess
    expect(completed).toEqual({ code: '2', label: '완료', name: 'completed' });
    expect(Object.isFrozen(completed)).toBe(true);
  });
});
