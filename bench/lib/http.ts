export type Hit = {
  status: number;
  ms: number;
  bytes: number;
  body: string;
  headers: Headers;
};

// One request, timed until the last byte of the body has arrived.
export async function hit(url: string, init: RequestInit = {}): Promise<Hit> {
  const started = performance.now();
  // A read that takes minutes is a finding, not a reason to wait forever.
  const res = await fetch(url, { signal: AbortSignal.timeout(180_000), ...init });
  const buffer = await res.arrayBuffer();
  const ms = performance.now() - started;
  return {
    status: res.status,
    ms,
    bytes: buffer.byteLength,
    body: new TextDecoder().decode(buffer),
    headers: res.headers,
  };
}

export type D1Figures = { queries: number; rows_read: number; rows_written: number; rows_returned: number };

export function d1Figures(headers: Headers): D1Figures {
  const n = (name: string) => Number(headers.get(name) ?? Number.NaN);
  return {
    queries: n("X-D1-Queries"),
    rows_read: n("X-D1-Rows-Read"),
    rows_written: n("X-D1-Rows-Written"),
    rows_returned: n("X-D1-Rows-Returned"),
  };
}
