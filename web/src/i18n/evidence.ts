import { formatNumber, type Locale, locale, onLocaleChange } from "./index.ts";

// The words of the evidence features (field page, site suggestions, evidence
// on the map), kept apart from the map's dictionary; the language is the one
// chosen there. Vietnamese is the source; English must carry the same keys.
const vi = {
  "field.title": "Đo sóng thực địa",
  "field.intro":
    "Ghi mức sóng tại chỗ, kể cả khi không có mạng: số đo được lưu trên máy và tự gửi khi có kết nối trở lại.",
  "field.online": "Đang có mạng",
  "field.offline": "Không có mạng — số đo vẫn được lưu trên máy",
  "field.install": "Cài lên màn hình chính",
  "field.villagesCached": "{n} thôn đã lưu trên máy để dùng khi không có mạng",
  "field.villagesMissing": "Chưa lưu được danh sách thôn; cần mở trang này một lần khi có mạng.",
  "field.where": "Vị trí",
  "field.useGps": "Lấy vị trí hiện tại",
  "field.locating": "Đang xác định vị trí…",
  "field.gpsAccuracy": "Vị trí điện thoại, sai số khoảng {m} m",
  "field.gpsFailed": "Không lấy được vị trí ({reason}). Nhập toạ độ, chọn thôn hoặc chạm lên bản đồ.",
  "field.lat": "Vĩ độ",
  "field.lon": "Kinh độ",
  "field.pickVillage": "Hoặc chọn thôn",
  "field.pickPlaceholder": "Gõ tên thôn (có dấu hoặc không)",
  "field.pickedVillage": "Tại trung tâm thôn {name}",
  "field.pickedMap": "Điểm đã chọn trên bản đồ",
  "field.nearest": "Gần nhất: {name}, cách {m} m",
  "field.nearestNone": "Không có thôn nào trong vòng {m} m",
  "field.mapLabel": "Bản đồ chọn vị trí: chạm để đặt điểm đo",
  "field.what": "Mức sóng",
  "field.operator": "Nhà mạng",
  "field.tech": "Công nghệ",
  "field.level": "Mức sóng",
  "field.level.good": "Sóng tốt",
  "field.level.weak": "Sóng yếu",
  "field.level.none": "Không có sóng",
  "field.dbm": "Cường độ (dBm, nếu máy hiển thị)",
  "field.note": "Ghi chú (máy đo, chỗ đứng…)",
  "field.token": "Mã truy cập cán bộ (không bắt buộc)",
  "field.tokenHelp":
    "Cán bộ Sở hoặc nhà mạng nhập mã để số đo có sóng được tính là xác minh. Người dân để trống: báo cáo mất sóng vẫn được ghi nhận.",
  "field.save": "Lưu số đo",
  "field.saved": "Đã lưu trên máy. Số đo sẽ được gửi khi có mạng.",
  "field.needPlace": "Cần vị trí: lấy vị trí hiện tại, nhập toạ độ hoặc chọn thôn.",
  "field.needOperator": "Chọn nhà mạng.",
  "field.queue": "Hàng đợi gửi",
  "field.queueEmpty": "Chưa có số đo nào.",
  "field.queueSummary": "{pending} chờ gửi · {sent} đã gửi · {rejected} bị từ chối",
  "field.sendNow": "Gửi ngay",
  "field.retry": "Gửi lại",
  "field.remove": "Xoá",
  "field.state.pending": "Chờ gửi",
  "field.state.sending": "Đang gửi…",
  "field.state.sent": "Đã gửi",
  "field.state.rejected": "Bị từ chối",
  "field.nextAttempt": "thử lại lúc {time}",
  "field.waitingNetwork": "chờ có mạng",
  "field.attempts": "{n} lần thử",
  "field.result.verification": "xác minh có sóng tại {name}",
  "field.result.report": "báo mất sóng tại {name}",
  "field.result.kept": "đã lưu cho {name}",
  "field.result.noVillage": "không gần thôn nào",
  "field.result.challenge": "— đã mở khiếu nại #{id} để Sở xem xét",

  "siting.toggle": "Gợi ý vị trí trạm mới",
  "siting.loading": "Đang tính vị trí gợi ý…",
  "siting.summary": "{sites} vị trí phủ {covered}/{total} thôn chưa có sóng (trạm {tech}, bán kính {km} km)",
  "siting.none": "Không còn thôn chưa có sóng để gợi ý.",
  "siting.popupTitle": "Vị trí gợi ý #{rank}",
  "siting.popupCovers": "Phủ {n} thôn chưa có sóng, {households} hộ:",
  "siting.popupNote":
    "Chỉ tính theo bán kính danh định, chưa xét địa hình. Gợi ý để thảo luận, không thay đổi dữ liệu.",

  "evidence.verified": "Đã xác minh tại thực địa",
  "evidence.unverified": "Chưa xác minh (chỉ tính từ trạm)",
  "evidence.stale": "Xác minh đã cũ (quá {days} ngày)",
  "evidence.none": "Không có sóng để xác minh",
  "evidence.lastMeasured": "đo lần cuối {ago}",
  "evidence.legendVerified": "Có sóng, đã xác minh: viền đậm",
  "evidence.legendStale": "Xác minh đã cũ: mờ",
} as const;

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  "field.title": "Field signal measurement",
  "field.intro":
    "Record the signal where you stand, even without a connection: readings are kept on this device and sent by themselves when the connection returns.",
  "field.online": "Online",
  "field.offline": "Offline — readings are still saved on this device",
  "field.install": "Install on home screen",
  "field.villagesCached": "{n} villages saved on this device for offline use",
  "field.villagesMissing": "The village list is not saved yet; open this page once while online.",
  "field.where": "Location",
  "field.useGps": "Use my location",
  "field.locating": "Finding your location…",
  "field.gpsAccuracy": "Phone location, accurate to about {m} m",
  "field.gpsFailed": "No location ({reason}). Type coordinates, pick a village or tap the map.",
  "field.lat": "Latitude",
  "field.lon": "Longitude",
  "field.pickVillage": "Or pick a village",
  "field.pickPlaceholder": "Type a village name (with or without diacritics)",
  "field.pickedVillage": "At the centre of {name}",
  "field.pickedMap": "Point picked on the map",
  "field.nearest": "Nearest: {name}, {m} m away",
  "field.nearestNone": "No village within {m} m",
  "field.mapLabel": "Map to pick the location: tap to place the reading",
  "field.what": "Signal",
  "field.operator": "Operator",
  "field.tech": "Technology",
  "field.level": "Signal level",
  "field.level.good": "Good signal",
  "field.level.weak": "Weak signal",
  "field.level.none": "No signal",
  "field.dbm": "Strength (dBm, if the phone shows it)",
  "field.note": "Note (device, where you stood…)",
  "field.token": "Staff access token (optional)",
  "field.tokenHelp":
    "Department or operator staff enter their token so that readings of signal count as verification. The public leaves it empty: no-signal reports are recorded all the same.",
  "field.save": "Save reading",
  "field.saved": "Saved on this device. It will be sent when there is a connection.",
  "field.needPlace": "A location is needed: use your location, type coordinates or pick a village.",
  "field.needOperator": "Choose an operator.",
  "field.queue": "Send queue",
  "field.queueEmpty": "No readings yet.",
  "field.queueSummary": "{pending} waiting · {sent} sent · {rejected} refused",
  "field.sendNow": "Send now",
  "field.retry": "Send again",
  "field.remove": "Remove",
  "field.state.pending": "Waiting",
  "field.state.sending": "Sending…",
  "field.state.sent": "Sent",
  "field.state.rejected": "Refused",
  "field.nextAttempt": "next try at {time}",
  "field.waitingNetwork": "waiting for a connection",
  "field.attempts": "{n} tries",
  "field.result.verification": "verifies signal at {name}",
  "field.result.report": "no-signal report at {name}",
  "field.result.kept": "kept for {name}",
  "field.result.noVillage": "not near any village",
  "field.result.challenge": "— opened challenge #{id} for the department",

  "siting.toggle": "Suggested new sites",
  "siting.loading": "Computing suggested sites…",
  "siting.summary": "{sites} sites cover {covered}/{total} villages without signal ({tech} stations, {km} km radius)",
  "siting.none": "No village without signal left to suggest for.",
  "siting.popupTitle": "Suggested site #{rank}",
  "siting.popupCovers": "Covers {n} villages without signal, {households} households:",
  "siting.popupNote": "Nominal radius only, terrain not modelled. A suggestion to discuss; it changes no data.",

  "evidence.verified": "Verified in the field",
  "evidence.unverified": "Not verified (computed from stations only)",
  "evidence.stale": "Verification out of date (over {days} days)",
  "evidence.none": "No signal to verify",
  "evidence.lastMeasured": "last measured {ago}",
  "evidence.legendVerified": "Covered, verified: dark ring",
  "evidence.legendStale": "Verification out of date: faded",
};

const DICTIONARIES: Record<Locale, Record<Key, string>> = { vi, en };

export type EvidenceKey = Key;

export function et(key: Key, params: Record<string, string | number> = {}): string {
  return DICTIONARIES[locale()][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

// Static text of these features carries data-et (text), data-et-placeholder
// and data-et-label (aria-label), so it never collides with the map's
// data-i18n keys.
export function applyEvidenceText(root: Document): void {
  for (const node of root.querySelectorAll<HTMLElement>("[data-et]")) node.textContent = et(node.dataset.et as Key);
  for (const node of root.querySelectorAll<HTMLInputElement>("[data-et-placeholder]")) {
    node.placeholder = et(node.dataset.etPlaceholder as Key);
  }
  for (const node of root.querySelectorAll<HTMLElement>("[data-et-label]")) {
    node.setAttribute("aria-label", et(node.dataset.etLabel as Key));
  }
}

export function setupEvidenceText(): void {
  applyEvidenceText(document);
  onLocaleChange(() => applyEvidenceText(document));
}
