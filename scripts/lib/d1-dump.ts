// A D1 export (wrangler d1 export, or scripts/backup.ts) lists each table's
// CREATE TABLE followed by its rows, in the order the tables were created.
// Loading that back fails as soon as a table's rows come before the table one
// of its foreign keys points to ("no such table: main.operators"): SQLite
// looks the parent up when it prepares the INSERT. Creating every table first
// and inserting afterwards loads any such file.

// One statement per element. Every INSERT of an export is one line (newlines
// in text are written as char(10)); only schema statements span lines, and a
// trigger's body holds statements of its own, up to its END.
export function splitDump(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of text.split("\n")) {
    if (current.length === 0 && line.trim() === "") continue;
    current.push(line);
    const ends = /^CREATE TRIGGER\b/i.test(current[0] ?? "")
      ? /^\s*END;\s*$/i.test(line)
      : line.trimEnd().endsWith(";");
    if (ends) {
      statements.push(current.join("\n"));
      current = [];
    }
  }
  if (current.length > 0) statements.push(current.join("\n"));
  return statements;
}

const isPragma = (s: string) => /^PRAGMA\b/i.test(s);
const isTable = (s: string) => /^CREATE TABLE\b/i.test(s);
const isLaterSchema = (s: string) => /^CREATE (UNIQUE )?INDEX\b|^CREATE TRIGGER\b|^CREATE VIEW\b/i.test(s);

export function tablesFirst(statements: string[]): string[] {
  const data = statements.filter((s) => !isPragma(s) && !isTable(s) && !isLaterSchema(s));
  return [...statements.filter(isPragma), ...statements.filter(isTable), ...data, ...statements.filter(isLaterSchema)];
}

// An export has one INSERT per row, and each statement costs a round trip
// into D1; rows of the same table are sent many to a statement instead, under
// D1's 100 KB limit on a statement's length.
const MAX_STATEMENT_BYTES = 90_000;

export function mergeInserts(statements: string[]): string[] {
  const out: string[] = [];
  let prefix: string | undefined;
  let rows: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (prefix !== undefined) out.push(`${prefix} VALUES${rows.join(",")};`);
    prefix = undefined;
    rows = [];
    bytes = 0;
  };
  for (const s of statements) {
    const at = s.indexOf(") VALUES(");
    if (!/^INSERT INTO /.test(s) || at < 0 || !s.endsWith(");")) {
      flush();
      out.push(s);
      continue;
    }
    const head = s.slice(0, at + 1);
    const row = s.slice(at + " VALUES".length + 1, -1);
    if (head !== prefix || bytes + row.length > MAX_STATEMENT_BYTES) flush();
    prefix = head;
    rows.push(row);
    bytes += row.length + 1;
  }
  flush();
  return out;
}
