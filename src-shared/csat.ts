// CSAT (docs/csat.md): the per-channel survey settings, the survey as agents see it on the conversation, and the
// payload ids the channels carry back (button / list / inline-keyboard ids). Pure: zod only.
import { z } from 'zod';

export const CSAT_MIN = 1;
export const CSAT_MAX = 5;
export const CSAT_COMMENT_MAX = 2000;
export const CSAT_QUESTION_MAX = 300;
export const DEFAULT_CSAT_QUESTION = 'How would you rate the help you received?';

export const CsatScore = z.number().int().min(CSAT_MIN).max(CSAT_MAX);
export type CsatScore = z.infer<typeof CsatScore>;

/** Survey states, as stored in csat_surveys.state. */
export const CsatState = z.enum(['sent', 'answered', 'skipped', 'failed']);
export type CsatState = z.infer<typeof CsatState>;

/**
 * A channel's CSAT settings (channel config key `csat`). Off unless `enabled` is true.
 * whatsappTemplate: the approved template sent when the 24-hour window is closed; its quick-reply buttons, in
 * order, carry the scores in `buttonScores` (default Good 5 / OK 3 / Bad 1).
 */
export const CsatChannelConfig = z
  .object({
    enabled: z.boolean().default(false),
    question: z.string().trim().min(1).max(CSAT_QUESTION_MAX).optional(),
    whatsappTemplate: z
      .object({
        name: z.string().trim().min(1).max(512),
        language: z.string().trim().min(2).max(15).default('en'),
        buttonScores: z.array(CsatScore).min(1).max(10).default([5, 3, 1]),
      })
      .optional(),
  })
  .strict();
export type CsatChannelConfig = z.output<typeof CsatChannelConfig>;

/** The survey of a conversation, on the synced Conversation (`csat`): what the agent sees. */
export const ConversationCsat = z.object({
  state: CsatState,
  channelId: z.string(),
  channelType: z.string(),
  score: CsatScore.nullable(),
  comment: z.string().nullable(),
  /** Why it was skipped or failed. */
  detail: z.string().nullable(),
  sentAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
});
export type ConversationCsat = z.infer<typeof ConversationCsat>;

/** Survey tokens: 16 random bytes, base64url (22 characters). */
export const CSAT_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** The id our buttons / list rows / inline keys carry: `csat:<token>:<score>` (29 bytes; Telegram allows 64). */
export function csatPayload(token: string, score: number): string {
  return `csat:${token}:${score}`;
}

export function parseCsatPayload(id: string | null | undefined): { token: string; score: CsatScore } | null {
  const m = /^csat:([A-Za-z0-9_-]{22}):([1-5])$/.exec(id ?? '');
  return m ? { token: m[1]!, score: Number(m[2]) } : null;
}

/** The words for each score, used by WhatsApp list rows and the rating page. */
export const CSAT_LABELS: Record<number, string> = { 1: 'Very bad', 2: 'Bad', 3: 'OK', 4: 'Good', 5: 'Excellent' };

/** The answer body of POST /csat/:token (the e-mail rating page) and of the widget's `csat` frame. */
export const CsatAnswer = z.object({
  score: z.coerce.number().int().min(CSAT_MIN).max(CSAT_MAX),
  comment: z.string().trim().max(CSAT_COMMENT_MAX).optional(),
});
export type CsatAnswer = z.infer<typeof CsatAnswer>;
