// Diacritic-insensitive form used for search: "Lũng Cú" and "lung cu" meet at
// "lung cu". đ is a separate letter, not a combining mark, so it is mapped by hand.
export function normalizeName(input: string): string {
  return input
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
