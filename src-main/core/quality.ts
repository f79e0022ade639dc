// Quality review (docs/quality.md) over the server's REST API with the session token, like metrics.ts. Online only;
// the server decides who may do what (agents: their own reviews; supervisors and admins: samples, reviews, results;
// admins: the rubric) and its {error:{code,message}} surfaces unchanged. Answers are validated.
import { z } from 'zod';
import type { IpcHandlers } from '../../src-shared/ipc';
import { QualityResults, Review, Rubric, Sample, SampleSummary, type qualityIpcContract } from '../../src-shared/quality';
import { AdminClient, type AdminSession } from './admin-settings';
import { CoreError } from './session';

export type QualityHandlers = Pick<IpcHandlers, keyof typeof qualityIpcContract>;

const Reviews = z.object({ items: z.array(Review) });

export function qualityHandlers(session: AdminSession): QualityHandlers {
  const api = new AdminClient(session);
  return {
    'quality.rubric': () => api.request('GET', '/api/v1/quality/rubric', undefined, Rubric),
    'quality.saveRubric': (a) => api.request('PUT', '/api/v1/quality/rubric', a, Rubric),
    'quality.samples': () => api.request('GET', '/api/v1/quality/samples', undefined, z.object({ items: z.array(SampleSummary) })),
    'quality.sample': async ({ week }) => {
      try {
        return await api.request('GET', `/api/v1/quality/samples/${encodeURIComponent(week)}`, undefined, Sample);
      } catch (err) {
        // Not drawn yet is an answer, not a failure.
        if (err instanceof CoreError && err.code === 'not_found') return null;
        throw err;
      }
    },
    'quality.draw': (a) => api.request('POST', '/api/v1/quality/samples', a, Sample),
    'quality.reviews': (a) => {
      const q = new URLSearchParams();
      if (a.conversationId) q.set('conversationId', a.conversationId);
      if (a.agent) q.set('agent', a.agent);
      return api.request('GET', `/api/v1/quality/reviews?${q}`, undefined, Reviews);
    },
    'quality.saveReview': ({ conversationId, ...body }) => api.request('PUT', `/api/v1/quality/reviews/${encodeURIComponent(conversationId)}`, body, Review),
    'quality.results': (a) => api.request('GET', `/api/v1/quality/results?${new URLSearchParams({ from: a.from, to: a.to })}`, undefined, QualityResults),
  };
}
