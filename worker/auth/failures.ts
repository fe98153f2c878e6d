import type { RateLimit } from "../domain/rate-limit.ts";

// Failed authentications allowed per client address and window. Tokens carry
// 256 random bits, so the limit is not what stops guessing; it keeps a broken
// script or a scanner from spending the database on lookups, and makes an
// attack visible as 429s. Legitimate clients almost never fail twice in a row.
export const AUTH_FAILURES: RateLimit = { max: 10, window_s: 300 };

// The unit a failure is counted against. An IPv6 client usually owns a whole
// /64 and can rotate addresses inside it for free, so it is counted per /64.
// Undefined when the address is missing or not an IP: Cloudflare's edge always
// sets CF-Connecting-IP (and wrangler dev does too), so only code that calls
// the worker directly, as the tests do, goes unlimited.
export function addressBucket(address: string | undefined): string | undefined {
  const ip = address?.trim().toLowerCase();
  if (!ip) return undefined;
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (v4) return v4[1];
  if (!/^[0-9a-f:.]+$/.test(ip) || !ip.includes(":")) return undefined;
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = ip.includes("::") ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
