import type { DemoCard } from '../../domain/contract/kiosk-api.js';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { addDaysMs, vietnamDateOf } from '../../domain/time/calendar-date.js';
import type { Outcome } from '../../domain/verdict/verdict.js';
import type { PersonRecord } from '../store/facts-store.js';

/**
 * The built-in demo data set: fictitious people, so a newcomer sees every colour at
 * once. Their facts are dated relative to the moment the kiosk starts, so the colours
 * stay the same whatever day the demo runs. Names and addresses live only on the demo
 * cards (the QR texts), never in the database, exactly as with real people.
 */
interface DemoPerson {
  readonly id12: string;
  readonly oldId: string;
  readonly name: string;
  readonly birth: string; // ddmmyyyy
  readonly sex: 'Nam' | 'Nữ';
  readonly address: string;
  readonly expected: Outcome;
  readonly facts: ((nowMs: number) => PersonFacts) | null;
}

const daysAgo = (nowMs: number, days: number): string => vietnamDateOf(addDaysMs(nowMs, -days));
const COMIRNATY = 'EU/1/20/1528';
const VAXZEVRIA = 'EU/1/21/1529';

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    id12: '056089001234',
    oldId: '225123456',
    name: 'Nguyễn Văn An',
    birth: '15031989',
    sex: 'Nam',
    address: 'Số 1 Trần Phú, Lộc Thọ, Nha Trang, Khánh Hòa',
    expected: 'green',
    facts: (now) => ({
      doses: [
        { dose: 1, date: daysAgo(now, 90), product: COMIRNATY },
        { dose: 2, date: daysAgo(now, 60), product: COMIRNATY },
      ],
      tests: [],
      quarantine: [],
    }),
  },
  {
    id12: '079195004321',
    oldId: '',
    name: 'Trần Thị Bình',
    birth: '02091995',
    sex: 'Nữ',
    address: '12 Lê Lợi, Bến Nghé, Quận 1, TP. Hồ Chí Minh',
    expected: 'yellow',
    facts: (now) => ({ doses: [{ dose: 1, date: daysAgo(now, 30), product: VAXZEVRIA }], tests: [], quarantine: [] }),
  },
  {
    id12: '001201005678',
    oldId: '',
    name: 'Lê Hoàng Cường',
    birth: '21112001',
    sex: 'Nam',
    address: '5 Hàng Bài, Hoàn Kiếm, Hà Nội',
    expected: 'yellow',
    facts: (now) => ({ doses: [], tests: [{ takenAt: new Date(now - 10 * 3600_000).toISOString(), kind: 'pcr', result: 'negative' }], quarantine: [] }),
  },
  {
    id12: '048078008765',
    oldId: '201987654',
    name: 'Phạm Minh Đức',
    birth: '07071978',
    sex: 'Nam',
    address: '8 Bạch Đằng, Hải Châu, Đà Nẵng',
    expected: 'red',
    facts: () => ({ doses: [], tests: [], quarantine: [] }),
  },
  {
    id12: '031190002468',
    oldId: '',
    name: 'Võ Thị Em',
    birth: '30041990',
    sex: 'Nữ',
    address: '3 Điện Biên Phủ, Ngô Quyền, Hải Phòng',
    expected: 'red',
    facts: (now) => ({
      doses: [
        { dose: 1, date: daysAgo(now, 120), product: COMIRNATY },
        { dose: 2, date: daysAgo(now, 90), product: COMIRNATY },
      ],
      tests: [{ takenAt: new Date(now - 3 * 86_400_000).toISOString(), kind: 'pcr', result: 'positive' }],
      quarantine: [{ status: 'F0', from: daysAgo(now, 3) }],
    }),
  },
  {
    id12: '092300001357',
    oldId: '',
    name: 'Đặng Thu Hà',
    birth: '14022000',
    sex: 'Nữ',
    address: '20 Hòa Bình, Ninh Kiều, Cần Thơ',
    expected: 'green',
    facts: (now) => ({ doses: [], tests: [], recoveredOn: daysAgo(now, 40), quarantine: [] }),
  },
  {
    id12: '056085009999',
    oldId: '',
    name: 'Hoàng Văn Giang',
    birth: '09091985',
    sex: 'Nam',
    address: '2 Yersin, Nha Trang, Khánh Hòa',
    expected: 'none',
    facts: null,
  },
];

/** The QR text printed on a demo person's chip ID card. */
export function demoQrText(person: DemoPerson): string {
  return [person.id12, person.oldId, person.name, person.birth, person.sex, person.address, '10072021'].join('|');
}

export function demoRecords(nowMs: number): PersonRecord[] {
  return DEMO_PEOPLE.flatMap((person) =>
    person.facts === null ? [] : [{ id12: person.id12, ...(person.oldId === '' ? {} : { oldId: person.oldId }), facts: person.facts(nowMs) }],
  );
}

export function demoCards(): DemoCard[] {
  return DEMO_PEOPLE.map((person) => ({ label: person.name, qrText: demoQrText(person), expected: person.expected }));
}
