import { todayIn } from "./commitments.ts";

// The daily cron fires at midnight in Vietnam; the figures it records are
// those at the close of the day that just ended, so a quarter's last snapshot
// is dated the quarter's last day, as the department reports it. Run at any
// other moment, the snapshot is simply dated today.
export function snapshotDay(moment: Date, timeZone: string): string {
  return todayIn(timeZone, new Date(moment.getTime() - 60_000));
}
