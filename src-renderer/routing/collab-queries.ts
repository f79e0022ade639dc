// Presence of every agent and the team directory, read through the core (docs/routing.md §Handoff).
import { useQuery } from '@tanstack/react-query';
import { useCall } from '../state/bridge-context';
import { queryKeys } from '../state/query-keys';

export function usePresenceList() {
  const call = useCall();
  return useQuery({ queryKey: queryKeys.presence, queryFn: () => call('presence.list', {}) });
}

/** Teams one can transfer to: fetched from the server when the dialog opens (online only). */
export function useTeamDirectory(enabled: boolean) {
  const call = useCall();
  return useQuery({ queryKey: ['teamDirectory'], queryFn: () => call('teams.directory', {}), enabled, retry: false, staleTime: 30_000 });
}
