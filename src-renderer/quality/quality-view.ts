// Pure view logic of the quality review (docs/quality.md): the week picker's options, grouping a sample by
// channel, the results' criterion columns, and the review form's draft ↔ scores. Tested in
// tests/unit/renderer-quality.test.ts.
import { isoWeekOf, shiftWeek, weekBounds, type Criterion, type ResultRow, type Review, type SampleItem } from '../../src-shared/quality';

export interface WeekOption {
  week: string;
  /** Monday and Sunday (UTC) as YYYY-MM-DD. */
  firstDay: string;
  lastDay: string;
  /** 0 = the current week, 1 = the previous one, … */
  ago: number;
}

/** The current ISO week and the `count − 1` before it, newest first. */
export function weekOptions(now: number, count = 12): WeekOption[] {
  const current = isoWeekOf(now);
  return Array.from({ length: count }, (_, ago) => {
    const week = shiftWeek(current, -ago);
    const b = weekBounds(week)!;
    return { week, firstDay: new Date(b.start).toISOString().slice(0, 10), lastDay: new Date(b.end - 1).toISOString().slice(0, 10), ago };
  });
}

/** A week's [from, to) as ISO strings: the results range for the picked week. */
export function weekRange(week: string): { from: string; to: string } {
  const b = weekBounds(week);
  if (!b) throw new Error(`not an ISO week: ${week}`);
  return { from: new Date(b.start).toISOString(), to: new Date(b.end).toISOString() };
}

/** Sample items per channel, in the server's order (channel name, then resolution time). */
export function byChannel(items: SampleItem[]): { channelId: string; channelName: string; items: SampleItem[] }[] {
  const groups = new Map<string, { channelId: string; channelName: string; items: SampleItem[] }>();
  for (const item of items) {
    const g = groups.get(item.channelId) ?? { channelId: item.channelId, channelName: item.channelName, items: [] };
    g.items.push(item);
    groups.set(item.channelId, g);
  }
  return [...groups.values()];
}

/** The criterion columns of a results table: every criterion any row has, in first-seen order. */
export function criterionColumns(rows: ResultRow[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const r of rows) for (const c of r.criteria) if (!seen.has(c.id)) seen.set(c.id, c.name);
  return [...seen].map(([id, name]) => ({ id, name }));
}

/** One decimal, no trailing ".0": 84.6, 100. */
export function formatNumber(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** The form's state: one select per criterion ('' = not chosen yet) and the comment. */
export interface ReviewDraft {
  scores: Record<string, string>;
  comment: string;
}

/** A fresh form, or the reviewer's own review to edit. */
export function draftFor(criteria: Criterion[], mine: Review | undefined): ReviewDraft {
  return {
    scores: Object.fromEntries(criteria.map((c) => [c.id, mine?.scores[c.id] !== undefined ? String(mine.scores[c.id]) : ''])),
    comment: mine?.comment ?? '',
  };
}

/** The scores to send, or the first criterion still without one. */
export function scoresOf(criteria: Criterion[], draft: ReviewDraft): { scores: Record<string, number> } | { missing: Criterion } {
  const scores: Record<string, number> = {};
  for (const c of criteria) {
    const v = draft.scores[c.id] ?? '';
    if (v === '') return { missing: c };
    scores[c.id] = Number(v);
  }
  return { scores };
}

/** The criteria the form scores: the reviewer's own review keeps its criteria; a new review uses the rubric. */
export function formCriteria(rubric: Criterion[], mine: Review | undefined): Criterion[] {
  return mine ? mine.criteria : rubric;
}

/** A lowercase id for a new criterion from its name, unique among `taken`. */
export function criterionId(name: string, taken: ReadonlySet<string>): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'criterion';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}
