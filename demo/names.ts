import type { Rng } from "./random.ts";

// Syllables of Tày, Nùng, H'Mông and Dao place names as Hà Giang writes them in
// Vietnamese ("Nà Thác", "Phìn Hồ", "Lũng Cẩm"); combined they read like the
// province's real villages without copying any one of them.
// biome-ignore format: a table reads better ten to a line
const FIRST = [
  "Nà", "Phìn", "Lũng", "Sủng", "Khâu", "Pả", "Cốc", "Lùng", "Tả", "Há",
  "Sà", "Mã", "Pác", "Bó", "Tát", "Ngàm", "Thèn", "Pải", "Sì", "Xín",
  "Nậm", "Khuổi", "Pắc", "Lao", "Cán", "Séo", "Sín", "Hố", "Pờ", "Tùng",
  "Chúng", "Mào", "Vằn", "Lầu", "Sủa", "Quán", "Tà", "Pín", "Khau", "Ngài",
  "Dìn", "Mỏ", "Giàng", "Chải", "Sảng", "Thài", "Tỷ", "Cao", "Phố", "Làng",
] as const;

// biome-ignore format: a table reads better ten to a line
const SECOND = [
  "Thác", "Hồ", "Cẩm", "Chải", "Phìn", "Vàng", "Sán", "Chư", "Lủng", "Pả",
  "Mìn", "Tủng", "Sảng", "Khoang", "Pung", "Lìn", "Dế", "Sáng", "Chồ", "Tráng",
  "Lý", "Chang", "Pao", "Mí", "Cháng", "Pàng", "Dín", "Hoa", "Pết", "Quang",
  "Luông", "Mòn", "Tậu", "Nghè", "Đông", "Cáo", "Thẳm", "Rịa", "Tào", "Vai",
  "Cuôn", "Ngòa", "Chè", "Tòng", "Đán", "Hùng", "Lầu", "Súng", "Mấu", "Khiêm",
] as const;

const SUFFIX = ["Trên", "Dưới", "Giữa", "Trong", "Ngoài", "Mới"] as const;

export function villageName(r: Rng): string {
  const prefix = r.chance(0.8) ? "Thôn" : "Bản";
  let first: string = r.pick(FIRST);
  let second: string = r.pick(SECOND);
  while (first === second) second = r.pick(SECOND);
  if (r.chance(0.08)) [first, second] = [second, first];
  const base = `${prefix} ${first} ${second}`;
  return r.chance(0.1) ? `${base} ${r.pick(SUFFIX)}` : base;
}
