import Papa from "papaparse";

type Scalar = string | number | boolean | null;

// One CSV column per leaf field: nested objects become prefix_field columns and
// arrays a space-separated list, so spreadsheets get flat, typed-looking cells.
export function flatten(row: Record<string, unknown>, prefix = ""): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}_${key}` : key;
    if (Array.isArray(value)) {
      out[name] = value
        .map((v) => (typeof v === "object" && v !== null ? Object.values(v).join(":") : String(v)))
        .join(" ");
    } else if (value !== null && typeof value === "object") {
      Object.assign(out, flatten(value as Record<string, unknown>, name));
    } else {
      out[name] = (value ?? null) as Scalar;
    }
  }
  return out;
}

export function csvChunk(rows: Array<Record<string, Scalar>>, columns: string[], withHeader: boolean): string {
  return `${Papa.unparse({ fields: columns, data: rows.map((r) => columns.map((c) => r[c] ?? "")) }, { header: withHeader, newline: "\r\n" })}\r\n`;
}

export type Point = { lat: number | null; lon: number | null };

export function feature<T extends Point>(row: T, id: string) {
  const { lat, lon, ...properties } = row;
  return {
    type: "Feature" as const,
    id,
    geometry: lat === null || lon === null ? null : { type: "Point" as const, coordinates: [lon, lat] },
    properties,
  };
}

const encoder = new TextEncoder();

// Streams an export row by row so that a national export never sits whole in a
// Worker's 128 MB of memory.
export function streamRows<T>(
  rows: AsyncIterable<T>,
  render: (row: T, index: number) => string,
  head: string,
  tail: string,
) {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(head));
      let i = 0;
      for await (const row of rows) controller.enqueue(encoder.encode(render(row, i++)));
      controller.enqueue(encoder.encode(tail));
      controller.close();
    },
  });
}
