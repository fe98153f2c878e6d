import type { InferRequestType, InferResponseType } from "hono/client";
import { client } from "../api.ts";

// What the field page keeps on the device, in IndexedDB: the readings not yet
// acknowledged by the server (and those that were, as a log), the province's
// villages for working offline, and a few settings.

const measurements = client.api.v1.measurements;
export type Reading = InferRequestType<typeof measurements.$post>["json"];
export type MeasurementResult = InferResponseType<typeof measurements.$post, 201>;

export type QueueState = "pending" | "sending" | "sent" | "rejected";

export type QueueItem = {
  // The Idempotency-Key, made when the reading is taken: every send of this
  // reading carries it, so the server stores the reading once however many
  // times a flaky connection makes the page send it.
  key: string;
  reading: Reading;
  // Taken by signed-in staff: sent with the staff token still on the device.
  staff: boolean;
  created_at: string;
  state: QueueState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  result: Pick<MeasurementResult, "village" | "counts_as" | "challenge_opened"> | null;
};

export type CachedVillage = { code: string; name: string; lat: number; lon: number; commune_name: string | null };
export type CachedOperator = { operator_id: string; name: string };

const DB_NAME = "phu-song-field";
const VERSION = 1;

let opened: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("queue", { keyPath: "key" }).createIndex("created_at", "created_at");
      db.createObjectStore("villages", { keyPath: "code" });
      db.createObjectStore("meta");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

type StoreName = "queue" | "villages" | "meta";

// Resolves when the transaction has committed, not when the request is
// queued: the page confirms a reading only after this, so a reading the user
// saw confirmed is on the device even if the page is closed the next moment.
async function write(store: StoreName, work: (s: IDBObjectStore) => void): Promise<void> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, "readwrite", { durability: "strict" });
    work(tx.objectStore(store));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

async function read<T>(store: StoreName, get: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const request = get(db.transaction(store, "readonly").objectStore(store));
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error);
  });
}

export const saveItem = (item: QueueItem) => write("queue", (s) => s.put(item));
export const removeItem = (key: string) => write("queue", (s) => s.delete(key));

export const queueItems = () => read<QueueItem[]>("queue", (s) => s.index("created_at").getAll());

export async function saveVillages(villages: CachedVillage[]): Promise<void> {
  await write("villages", (s) => {
    s.clear();
    for (const v of villages) s.put(v);
  });
}

export const cachedVillages = () => read<CachedVillage[]>("villages", (s) => s.getAll());

export const setMeta = (key: string, value: unknown) => write("meta", (s) => s.put(value, key));
export const getMeta = <T>(key: string) => read<T | undefined>("meta", (s) => s.get(key));
export const deleteMeta = (key: string) => write("meta", (s) => s.delete(key));
