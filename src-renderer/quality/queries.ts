// The quality review's server data (online only, through the core's REST proxy). Keys start with 'quality';
// a draw or a saved review invalidates them all. Nothing here is synced: reviews change only when someone saves.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCall } from '../state/bridge-context';

export const qualityKeys = {
  all: ['quality'] as const,
  rubric: ['quality', 'rubric'] as const,
  samples: ['quality', 'samples'] as const,
  sample: (week: string) => ['quality', 'sample', week] as const,
  results: (from: string, to: string) => ['quality', 'results', from, to] as const,
  conversation: (id: string) => ['quality', 'reviews', 'conversation', id] as const,
  mine: ['quality', 'reviews', 'mine'] as const,
};

export function useRubric() {
  const call = useCall();
  return useQuery({ queryKey: qualityKeys.rubric, queryFn: () => call('quality.rubric', {}) });
}

/** The list of samples; asking for it also makes the server draw the previous week if nobody has yet. */
export function useSamples() {
  const call = useCall();
  return useQuery({ queryKey: qualityKeys.samples, queryFn: () => call('quality.samples', {}) });
}

export function useSample(week: string, enabled: boolean) {
  const call = useCall();
  return useQuery({ queryKey: qualityKeys.sample(week), queryFn: () => call('quality.sample', { week }), enabled });
}

export function useResults(from: string, to: string) {
  const call = useCall();
  return useQuery({ queryKey: qualityKeys.results(from, to), queryFn: () => call('quality.results', { from, to }) });
}

/** Reviews of one conversation: all of them for supervisors, the agent's own for agents. Quiet when offline. */
export function useConversationReviews(conversationId: string) {
  const call = useCall();
  return useQuery({ queryKey: qualityKeys.conversation(conversationId), queryFn: () => call('quality.reviews', { conversationId }), staleTime: 60_000, retry: false });
}

export function useMyReviews(enabled = true) {
  const call = useCall();
  return useQuery({ queryKey: qualityKeys.mine, queryFn: () => call('quality.reviews', { agent: 'me' }), enabled, retry: false });
}

export function useInvalidateQuality(): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: qualityKeys.all });
}
