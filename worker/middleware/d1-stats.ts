// What a request costs in D1, summed from each result's `meta`: for the
// benchmark (bench/) and for anyone profiling an endpoint. Off unless the
// deployment sets D1_STATS=1 (`wrangler dev --var D1_STATS:1`) and the request
// asks with `X-D1-Stats: 1` (or `trace`); the answer then carries X-D1-Queries,
// X-D1-Rows-Read, X-D1-Rows-Written, X-D1-Rows-Returned and a Server-Timing
// entry.
//
// D1's raw() (which drizzle uses for every select with named fields) returns
// rows without their meta, so a measured request runs each such read a second
// time with all() to learn its rows_read. That doubles its database work,
// which is why it is opt-in twice over; latency is measured without it.

export type D1Stats = {
  queries: number;
  rows_read: number;
  rows_written: number;
  rows_returned: number;
  sql_ms: number;
  // With `X-D1-Stats: trace`, every statement as sent, which the middleware
  // logs so that the benchmark can run the same SQL on plain SQLite.
  trace?: Array<{ sql: string; params: unknown[] }>;
};

export const emptyStats = (trace = false): D1Stats => ({
  queries: 0,
  rows_read: 0,
  rows_written: 0,
  rows_returned: 0,
  sql_ms: 0,
  ...(trace ? { trace: [] } : {}),
});

type Meta = { rows_read?: number; rows_written?: number; duration?: number };

function add(stats: D1Stats, meta: Meta | undefined, returned: number): void {
  stats.queries++;
  stats.rows_read += meta?.rows_read ?? 0;
  stats.rows_written += meta?.rows_written ?? 0;
  stats.rows_returned += returned;
  stats.sql_ms += meta?.duration ?? 0;
}

// Only a plain SELECT may be run twice: a write through raw() (INSERT …
// RETURNING) must happen once, and is then counted without its meta.
const isRead = (sql: string) => /^\s*(select|with\s[\s\S]*\)\s*select)\s/i.test(sql);

const inner = new WeakMap<object, { stmt: D1PreparedStatement; sql: string; params: unknown[] }>();

function statement(stmt: D1PreparedStatement, sql: string, params: unknown[], stats: D1Stats): D1PreparedStatement {
  const traced = <T>(result: T) => {
    stats.trace?.push({ sql, params });
    return result;
  };
  const wrapped = {
    bind: (...values: unknown[]) => statement(stmt.bind(...values), sql, values, stats),
    async all<T>() {
      const result = traced(await stmt.all<T>());
      add(stats, result.meta, result.results.length);
      return result;
    },
    async run<T>() {
      const result = traced(await stmt.run<T>());
      add(stats, result.meta, result.results?.length ?? 0);
      return result;
    },
    async first<T>(column?: string) {
      const result = traced(await stmt.all<Record<string, unknown>>());
      add(stats, result.meta, result.results.length);
      const row = result.results[0];
      if (row === undefined) return null;
      return (column === undefined ? row : row[column]) as T;
    },
    async raw<T extends unknown[]>(options?: { columnNames?: boolean }) {
      const rows = traced(options?.columnNames ? await stmt.raw<T>({ columnNames: true }) : await stmt.raw<T>());
      if (isRead(sql)) add(stats, (await stmt.all()).meta, rows.length - (options?.columnNames ? 1 : 0));
      else add(stats, undefined, rows.length);
      return rows;
    },
  };
  inner.set(wrapped, { stmt, sql, params });
  return wrapped as unknown as D1PreparedStatement;
}

export function countingD1(db: D1Database, stats: D1Stats): D1Database {
  const wrapped = {
    prepare: (sql: string) => statement(db.prepare(sql), sql, [], stats),
    async batch<T>(statements: D1PreparedStatement[]) {
      const unwrapped = statements.map((s) => inner.get(s));
      for (const u of unwrapped) if (u) stats.trace?.push({ sql: u.sql, params: u.params });
      const results = await db.batch<T>(statements.map((s, i) => unwrapped[i]?.stmt ?? s));
      for (const r of results) add(stats, r.meta, r.results?.length ?? 0);
      return results;
    },
    exec: (sql: string) => db.exec(sql),
    dump: () => db.dump(),
    withSession: (constraint?: string) => db.withSession(constraint),
  };
  return wrapped as unknown as D1Database;
}

export function statsHeaders(stats: D1Stats): Record<string, string> {
  return {
    "X-D1-Queries": String(stats.queries),
    "X-D1-Rows-Read": String(stats.rows_read),
    "X-D1-Rows-Written": String(stats.rows_written),
    "X-D1-Rows-Returned": String(stats.rows_returned),
    "Server-Timing": `d1;dur=${stats.sql_ms.toFixed(2)};desc="${stats.queries} queries"`,
  };
}
