/**
 * The 3-digit place codes that open every 12-digit personal identification number
 * (số định danh cá nhân): the appendix of province codes of Circular 07/2016/TT-BCA
 * (implementing Decree 137/2015/NĐ-CP, art. 7) — Vietnam's 63 provinces and centrally
 * governed cities as they stood in 2021. Checked against the circular on 2021-10-01.
 *
 * Since then the list is no longer the whole truth. Law 26/2023/QH15 on identification (in
 * force 1 July 2024) and its decree issue personal identification numbers under new rules,
 * and the 2025 merger (Resolution 202/2025/QH15, in force 1 July 2025) cut the provinces to
 * 34. A number already issued never changes — the code records where the birth was
 * registered, not where the person lives — so every code here stays valid; but a number
 * issued after the merger may carry a code this table does not have. So a code off the list
 * is not refused: the verdict says so beside its colour and the rule set may decide on it
 * (citizen-id.ts, UNLISTED_PROVINCE; rule input `person.idProvinceKnown`). When the Ministry
 * of Public Security publishes codes for the merged provinces, add them here and move
 * PROVINCE_LIST_AS_OF.
 */
export const PROVINCE_LIST_AS_OF = '2021';

export const PROVINCE_CODES: ReadonlyMap<string, string> = new Map([
  ['001', 'Hà Nội'],
  ['002', 'Hà Giang'],
  ['004', 'Cao Bằng'],
  ['006', 'Bắc Kạn'],
  ['008', 'Tuyên Quang'],
  ['010', 'Lào Cai'],
  ['011', 'Điện Biên'],
  ['012', 'Lai Châu'],
  ['014', 'Sơn La'],
  ['015', 'Yên Bái'],
  ['017', 'Hòa Bình'],
  ['019', 'Thái Nguyên'],
  ['020', 'Lạng Sơn'],
  ['022', 'Quảng Ninh'],
  ['024', 'Bắc Giang'],
  ['025', 'Phú Thọ'],
  ['026', 'Vĩnh Phúc'],
  ['027', 'Bắc Ninh'],
  ['030', 'Hải Dương'],
  ['031', 'Hải Phòng'],
  ['033', 'Hưng Yên'],
  ['034', 'Thái Bình'],
  ['035', 'Hà Nam'],
  ['036', 'Nam Định'],
  ['037', 'Ninh Bình'],
  ['038', 'Thanh Hóa'],
  ['040', 'Nghệ An'],
  ['042', 'Hà Tĩnh'],
  ['044', 'Quảng Bình'],
  ['045', 'Quảng Trị'],
  ['046', 'Thừa Thiên Huế'],
  ['048', 'Đà Nẵng'],
  ['049', 'Quảng Nam'],
  ['051', 'Quảng Ngãi'],
  ['052', 'Bình Định'],
  ['054', 'Phú Yên'],
  ['056', 'Khánh Hòa'],
  ['058', 'Ninh Thuận'],
  ['060', 'Bình Thuận'],
  ['062', 'Kon Tum'],
  ['064', 'Gia Lai'],
  ['066', 'Đắk Lắk'],
  ['067', 'Đắk Nông'],
  ['068', 'Lâm Đồng'],
  ['070', 'Bình Phước'],
  ['072', 'Tây Ninh'],
  ['074', 'Bình Dương'],
  ['075', 'Đồng Nai'],
  ['077', 'Bà Rịa - Vũng Tàu'],
  ['079', 'Thành phố Hồ Chí Minh'],
  ['080', 'Long An'],
  ['082', 'Tiền Giang'],
  ['083', 'Bến Tre'],
  ['084', 'Trà Vinh'],
  ['086', 'Vĩnh Long'],
  ['087', 'Đồng Tháp'],
  ['089', 'An Giang'],
  ['091', 'Kiên Giang'],
  ['092', 'Cần Thơ'],
  ['093', 'Hậu Giang'],
  ['094', 'Sóc Trăng'],
  ['095', 'Bạc Liêu'],
  ['096', 'Cà Mau'],
]);

export function isProvinceCode(code: string): boolean {
  return PROVINCE_CODES.has(code);
}
