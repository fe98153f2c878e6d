export type CommitmentLike = { status: string; target_date: string };

// Overdue is judged on the calendar date in Vietnam, where the department works.
export function isOverdue(c: CommitmentLike, today: string): boolean {
  return c.status === "open" && c.target_date < today;
}

export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export type CommitmentActor = { role: "operator" | "admin"; operator_id: string | null };

// The department assigns, reassigns and cancels; an operator keeps the
// commitment assigned to it up to date (date, blockers, notes, open or done)
// but cannot take on a village nor hand one to someone else. Returns why the
// change is refused, or null when it is allowed.
export function commitmentRefusal(
  actor: CommitmentActor,
  current: { operator_id: string } | undefined,
  next: { operator_id: string; status?: string },
): string | null {
  if (actor.role === "admin") return null;
  const own = actor.operator_id ?? "(none)";
  if (!current) {
    return `Only the department assigns a village to an operator: your token belongs to operator '${own}' and this village has no commitment yet.`;
  }
  if (current.operator_id !== own) {
    return `Your token belongs to operator '${own}' and may not change the commitment of operator '${current.operator_id}'.`;
  }
  if (next.operator_id !== current.operator_id) {
    return `Your token belongs to operator '${own}' and may not hand its commitment to operator '${next.operator_id}': only the department reassigns commitments.`;
  }
  if (next.status === "cancelled") {
    return "Only the department cancels a commitment; an operator may set it open or done.";
  }
  return null;
}

export type CommitmentContent = {
  operator_id: string;
  target_date: string;
  status: string;
  blockers: ReadonlyArray<{ kind: string; note?: string }>;
  notes: string | null;
};

// Whether a PUT would change anything: re-sending what is stored is not a
// change, so it bumps no version and writes no audit entry.
export function sameCommitment(a: CommitmentContent, b: CommitmentContent): boolean {
  const blockers = (list: CommitmentContent["blockers"]) =>
    JSON.stringify(list.map((x) => ({ kind: x.kind, note: x.note ?? null })));
  return (
    a.operator_id === b.operator_id &&
    a.target_date === b.target_date &&
    a.status === b.status &&
    (a.notes ?? null) === (b.notes ?? null) &&
    blockers(a.blockers) === blockers(b.blockers)
  );
}
