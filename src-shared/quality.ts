// Quality review (issue 8; docs/quality.md): the rubric, weekly stratified samples of resolved conversations,
// reviews and their results. REST shapes of /api/v1/quality/* and the renderer ⇄ core calls. Weeks are ISO weeks
// in UTC: Monday 00:00:00.000 UTC up to (not including) the next Monday, named like "2026-W02".
import { z } from 'zod';

const IsoTime = z.iso.datetime({ offset: true });
const Id = z.string().min(1).max(64);

export const QUALITY_COMMENT_MAX = 2000;
export const QUALITY_MAX_CRITERIA = 20;
export const QUALITY_MAX_PER_CHANNEL = 100;
export const QUALITY_DEFAULT_PER_CHANNEL = 5;

// ── ISO weeks (UTC) ─────────────────────────────────────────────────────────────────────────────
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Monday 00:00 UTC of ISO week 1 of `year` (the week holding 4 January). */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
}

/** The ISO week (UTC) holding the instant `ms`, e.g. "2026-W02". */
export function isoWeekOf(ms: number): string {
  const d = new Date(ms);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY;
  // The week-year is the calendar year of the week's Thursday.
  const year = new Date(monday + 3 * DAY).getUTCFullYear();
  const n = 1 + Math.round((monday - week1Monday(year)) / WEEK);
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** Start (inclusive) and end (exclusive) of an ISO week as epoch ms; null when the name is not a real week (2026-W54). */
export function weekBounds(week: string): { start: number; end: number } | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const n = Number(m[2]);
  if (n < 1) return null;
  const start = week1Monday(Number(m[1])) + (n - 1) * WEEK;
  if (isoWeekOf(start) !== week) return null;
  return { start, end: start + WEEK };
}

export function shiftWeek(week: string, by: number): string {
  const b = weekBounds(week);
  if (!b) throw new Error(`not an ISO week: ${week}`);
  return isoWeekOf(b.start + by * WEEK);
}

export const WeekId = z.string().refine((w) => weekBounds(w) !== null, { message: 'week must be an ISO week like 2026-W02' });

// ── Rubric ──────────────────────────────────────────────────────────────────────────────────────
export const Criterion = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'criterion id: lowercase letters, digits, - or _ (at most 40)' }),
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(500).default(''),
    maxScore: z.number().int().min(1).max(10),
  })
  .strict();
export type Criterion = z.infer<typeof Criterion>;

export const RubricInput = z
  .object({
    criteria: z
      .array(Criterion)
      .min(1, { message: 'a rubric needs at least one criterion' })
      .max(QUALITY_MAX_CRITERIA)
      .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, { message: 'criterion ids must be unique' }),
    /** Conversations sampled per channel and week (a channel with fewer resolved conversations gives all of them). */
    samplePerChannel: z.number().int().min(1).max(QUALITY_MAX_PER_CHANNEL),
  })
  .strict();
export type RubricInput = z.input<typeof RubricInput>;

export const Rubric = z.object({
  criteria: z.array(Criterion),
  samplePerChannel: z.number().int(),
  /** Null while the built-in default is in use. */
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type Rubric = z.infer<typeof Rubric>;

// ── Samples ─────────────────────────────────────────────────────────────────────────────────────
export const SampleItem = z.object({
  conversationId: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  channelType: z.string(),
  contactName: z.string(),
  /** The conversation's assignee when the sample was drawn (the agent it reviews). */
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  resolvedAt: z.string(),
  /** Reviews stored for the conversation (any reviewer), and whether the caller wrote one. */
  reviews: z.number().int().nonnegative(),
  reviewedByMe: z.boolean(),
});
export type SampleItem = z.infer<typeof SampleItem>;

export const SampleSummary = z.object({
  week: z.string(),
  start: z.string(),
  end: z.string(),
  drawnAt: z.string(),
  /** Null when drawn automatically (the previous week, on first request). */
  drawnBy: z.string().nullable(),
  drawnByName: z.string().nullable(),
  /** Drawn after the week ended: never changes again. A sample of a running week is topped up by later draws. */
  final: z.boolean(),
  perChannel: z.number().int(),
  conversations: z.number().int().nonnegative(),
  reviewed: z.number().int().nonnegative(),
});
export type SampleSummary = z.infer<typeof SampleSummary>;

export const Sample = SampleSummary.extend({ items: z.array(SampleItem) });
export type Sample = z.infer<typeof Sample>;

export const DrawInput = z.object({ week: WeekId }).strict();

// ── Reviews ─────────────────────────────────────────────────────────────────────────────────────
export const ReviewInput = z
  .object({
    /** One integer 0…maxScore per criterion of the rubric (the review's own criteria when editing). */
    scores: z.record(z.string().max(40), z.number().int().min(0).max(10)),
    comment: z.string().max(QUALITY_COMMENT_MAX, { message: `the comment is longer than ${QUALITY_COMMENT_MAX} characters` }).default(''),
  })
  .strict();
export type ReviewInput = z.input<typeof ReviewInput>;

export const Review = z.object({
  id: z.string(),
  conversationId: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  contactName: z.string(),
  /** The conversation's assignee when first reviewed (the reviewed agent). */
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  reviewerId: z.string(),
  reviewerName: z.string(),
  /** The rubric criteria as they were when the review was first scored. */
  criteria: z.array(Criterion),
  scores: z.record(z.string(), z.number().int()),
  score: z.number().int(),
  maxScore: z.number().int(),
  /** 100 × score / maxScore, one decimal. */
  percent: z.number(),
  comment: z.string(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Review = z.infer<typeof Review>;

/** GET /api/v1/quality/reviews: exactly one of conversationId, agent (an agent id or `me`). */
export const ReviewsQuery = z
  .object({ conversationId: Id.optional(), agent: Id.optional() })
  .strict()
  .refine((q) => (q.conversationId === undefined) !== (q.agent === undefined), { message: 'give exactly one of conversationId or agent' });
export type ReviewsQuery = z.infer<typeof ReviewsQuery>;

// ── Results ─────────────────────────────────────────────────────────────────────────────────────
export const ResultsQuery = z
  .object({ from: IsoTime, to: IsoTime })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type ResultsQuery = z.infer<typeof ResultsQuery>;

export const CriterionResult = z.object({
  id: z.string(),
  /** The name in the newest review that scored it. */
  name: z.string(),
  reviews: z.number().int(),
  /** Mean score, two decimals. */
  average: z.number(),
  /** Mean of the maxima (criteria may change between rubric versions), two decimals. */
  averageMax: z.number(),
  /** 100 × Σ score / Σ max, one decimal. */
  percent: z.number(),
});
export type CriterionResult = z.infer<typeof CriterionResult>;

export const ResultRow = z.object({
  /** Agent or channel id; null = no assignee. */
  key: z.string().nullable(),
  label: z.string(),
  conversations: z.number().int(),
  reviews: z.number().int(),
  score: z.number().int(),
  maxScore: z.number().int(),
  /** 100 × Σ score / Σ max over the reviews, one decimal. */
  percent: z.number(),
  criteria: z.array(CriterionResult),
});
export type ResultRow = z.infer<typeof ResultRow>;

export const QualityResults = z.object({ from: z.string(), to: z.string(), byAgent: z.array(ResultRow), byChannel: z.array(ResultRow) });
export type QualityResults = z.infer<typeof QualityResults>;

/** 100 × part / whole to one decimal (0 for an empty whole). */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0;
}

// ── Renderer ⇄ core ─────────────────────────────────────────────────────────────────────────────
const none = z.object({}).strict();

export const qualityIpcContract = {
  'quality.rubric': { args: none, result: Rubric },
  'quality.saveRubric': { args: RubricInput, result: Rubric },
  'quality.samples': { args: none, result: z.object({ items: z.array(SampleSummary) }) },
  /** Null when the week has no sample yet. */
  'quality.sample': { args: z.object({ week: WeekId }).strict(), result: Sample.nullable() },
  'quality.draw': { args: DrawInput, result: Sample },
  'quality.reviews': { args: z.object({ conversationId: Id.optional(), agent: Id.optional() }).strict(), result: z.object({ items: z.array(Review) }) },
  'quality.saveReview': { args: ReviewInput.extend({ conversationId: Id }), result: Review },
  'quality.results': { args: z.object({ from: IsoTime, to: IsoTime }).strict(), result: QualityResults },
} as const;
