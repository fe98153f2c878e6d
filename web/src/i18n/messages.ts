import type { vi } from "./vi.ts";

export type MessageKey = keyof typeof vi;
export type Messages = Record<MessageKey, string>;
