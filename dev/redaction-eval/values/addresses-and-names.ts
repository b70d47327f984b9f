/**
 * Road addresses from the road name on (the province and district before it
 * are kept by the redactor) and Korean names.
 */
import { type Dice, twoDigits } from './dice.js';

// Addresses -----------------------------------------------------------------------------

/** Province or metropolitan city, then district: kept by the redactor, so never part of a label. */
export const REGIONS: readonly string[] = [
  '서울특별시 강남구',
  '서울 서초구',
  '서울시 마포구',
  '서울특별시 종로구',
  '서울 송파구',
  '부산광역시 해운대구',
  '부산 부산진구',
  '인천광역시 연수구',
  '대구 수성구',
  '대전광역시 서구',
  '광주 북구',
  '울산광역시 남구',
  '세종특별자치시',
  '경기도 성남시 분당구',
  '경기 수원시 영통구',
  '경기도 고양시 일산동구',
  '강원특별자치도 춘천시',
  '충청북도 청주시 상당구',
  '충남 천안시 서북구',
  '전북특별자치도 전주시 완산구',
  '전남 여수시',
  '경북 포항시 남구',
  '경상남도 창원시 성산구',
  '제주특별자치도 제주시',
];

export const ROAD_NAMES: readonly string[] = [
  '테헤란로',
  '강남대로',
  '세종대로',
  '올림픽로',
  '도산대로',
  '봉은사로',
  '판교역로',
  '해운대로',
  '중앙대로',
  '월드컵북로',
  '양화로',
  '퇴계로',
  '을지로',
  '종로',
  '광교중앙로',
  '동탄대로',
  '일산로',
  '충장로',
  '둔산로',
  '한밭대로',
  '노형로',
  '연삼로',
  '영동대로',
  '반포대로',
  '마포대로',
  '백범로',
  '덕영대로',
  '수성로',
  '달구벌대로',
  '가야대로',
  '중앙로',
  '시청로',
  '우암로',
  '새말로',
  '정자일로',
];

const DISTRICT_DONGS = ['역삼동', '삼평동', '서교동', '우동', '정자동', '둔산동', '연동', '신천동', '영통동'];
const BUILDINGS = ['래미안아파트', '푸르지오', '한빛빌딩', '힐스테이트', '자이아파트'];

/** A road address from the road name on: `테헤란로 152`, `봉은사로86길 20`, `판교역로146번길 7-3`, with detail. */
export function roadAddress(dice: Dice): string {
  let road = dice.pick(ROAD_NAMES);
  const branch = dice.weighted({ none: 55, gil: 25, beongil: 20 });
  if (branch === 'gil') road += `${dice.int(1, 99)}길`;
  if (branch === 'beongil') road += `${dice.gap(0.7)}${dice.int(1, 200)}번길`;
  let number = String(dice.int(1, 999));
  if (dice.chance(0.2)) number += `-${dice.int(1, 30)}`;
  const detail = dice.weighted({
    none: 15,
    floor: 15,
    unit: 10,
    building: 25,
    parenthesis: 15,
    buildingParenthesis: 10,
    floorUnit: 10,
  });
  const dong = `${dice.int(101, 120)}동`;
  const ho = `${dice.int(1, 25)}${twoDigits(dice.int(1, 8))}호`;
  const floor = `${dice.int(1, 30)}층`;
  const comma = dice.pick([', ', ' ', ',']);
  const base = `${road} ${number}`;
  switch (detail) {
    case 'none':
      return base;
    case 'floor':
      return `${base}${comma}${floor}`;
    case 'unit':
      return `${base}${comma}${ho}`;
    case 'building':
      return `${base}${comma}${dong} ${ho}`;
    case 'parenthesis':
      return `${base} (${dice.pick(DISTRICT_DONGS)})`;
    case 'buildingParenthesis':
      return `${base}${comma}${dong} ${ho} (${dice.pick(DISTRICT_DONGS)}, ${dice.pick(BUILDINGS)})`;
    case 'floorUnit':
      return `${base}${comma}${floor} ${dice.int(1, 30)}${twoDigits(dice.int(1, 20))}호`;
  }
}

// Names (P2) --------------------------------------------------------------------------------

const SURNAMES = [
  '김',
  '이',
  '박',
  '최',
  '정',
  '강',
  '조',
  '윤',
  '장',
  '임',
  '한',
  '오',
  '서',
  '신',
  '권',
  '황',
];
const GIVEN_SYLLABLES = [
  '민',
  '수',
  '지',
  '영',
  '서',
  '준',
  '하',
  '윤',
  '현',
  '우',
  '은',
  '혜',
  '진',
  '호',
  '연',
];

export function personName(dice: Dice): string {
  return `${dice.pick(SURNAMES)}${dice.pick(GIVEN_SYLLABLES)}${dice.pick(GIVEN_SYLLABLES)}`;
}
