import type { LoadReport } from "../load.ts";

export type SectionContext = { runs: number; load: LoadReport; log: (line: string) => void };
export type Section = (ctx: SectionContext) => Promise<unknown>;
