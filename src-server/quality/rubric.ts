// The review rubric (docs/quality.md): criteria with a maximum score each, and the sample size per channel.
// One `settings` row (key quality.rubric); a built-in default until an admin saves one. Reviews copy the
// criteria they are scored against, so saving a new rubric never changes a past review.
import { QUALITY_DEFAULT_PER_CHANNEL, RubricInput, type Criterion, type Rubric } from '../../src-shared/quality';
import type { Q } from '../domain/entities';

const KEY = 'quality.rubric';

export const DEFAULT_CRITERIA: Criterion[] = [
  { id: 'tone', name: 'Tone and courtesy', description: 'Friendly, respectful, addresses the customer personally.', maxScore: 5 },
  { id: 'understanding', name: 'Understanding', description: 'Found the real problem; asked only the questions needed.', maxScore: 5 },
  { id: 'accuracy', name: 'Correct and complete answer', description: 'The answer or fix was right and nothing was left open.', maxScore: 5 },
  { id: 'clarity', name: 'Clear writing', description: 'Short, plain language, easy next steps.', maxScore: 5 },
];

export async function getRubric(q: Q): Promise<Rubric> {
  const row = await q.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (!row) return { criteria: DEFAULT_CRITERIA, samplePerChannel: QUALITY_DEFAULT_PER_CHANNEL, updatedAt: null, updatedBy: null };
  return JSON.parse(row.value) as Rubric;
}

export async function saveRubric(q: Q, input: RubricInput, actorId: string, at: string): Promise<Rubric> {
  const parsed = RubricInput.parse(input);
  const rubric: Rubric = { ...parsed, updatedAt: at, updatedBy: actorId };
  const value = JSON.stringify(rubric);
  await q.insertInto('settings').values({ key: KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  return rubric;
}
