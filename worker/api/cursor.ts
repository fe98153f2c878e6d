import { invalidInput } from "../errors.ts";

// Keyset pagination: the cursor carries the last key of the previous page, so a
// page costs the same at the end of a list as at its start.
export function encodeCursor(lastKey: string): string {
  return btoa(JSON.stringify({ after: lastKey }))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through to the error below: any undecodable cursor is the client's mistake
  }
  throw invalidInput([
    { field: "cursor", location: "query", problem: "is not a cursor returned by this API; start without one" },
  ]);
}
