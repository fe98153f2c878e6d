import { exports } from "cloudflare:workers";

export const BASE = "https://phusong.test";

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

export async function getJson<T = Record<string, unknown>>(path: string, init?: RequestInit) {
  const res = await request(path, init);
  return { res, status: res.status, body: (await res.json()) as T };
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; location: string; problem: string; row?: number }>;
};
