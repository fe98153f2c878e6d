export type CommitmentLike = { status: string; target_date: string };

// Overdue is judged on the calendar date in Vietnam, where the department works.
export function isOverdue(c: CommitmentLike, today: string): boolean {
  return c.status === "open" && c.target_date < today;
}

export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}
