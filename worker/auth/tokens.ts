const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// 256 random bits: unguessable, so a fast hash is enough to store it safely
// (no salt or slow KDF is needed for random secrets, unlike passwords).
export function generateToken(): string {
  return `ps_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function newTokenId(): string {
  return `tok_${base64url(crypto.getRandomValues(new Uint8Array(9)))}`;
}
