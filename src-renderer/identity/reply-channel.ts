// The channel the agent chose to reply on, per conversation (issue 4). Set by ReplyChannelPicker (default: the
// channel of the last inbound message, from the server's reachability answer); read by the composer's send.
import { create } from 'zustand';

export interface ReplyChoice {
  channelId: string;
  channelType: string;
  /** true once the agent picked it (a refreshed default then no longer overrides it). */
  picked: boolean;
}

interface ReplyChannelState {
  choice: Record<string, ReplyChoice | undefined>;
  set(conversationId: string, choice: ReplyChoice): void;
}

export const useReplyChannelStore = create<ReplyChannelState>((set) => ({
  choice: {},
  set: (conversationId, choice) => set((s) => ({ choice: { ...s.choice, [conversationId]: choice } })),
}));

export function useReplyChannel(conversationId: string): ReplyChoice | undefined {
  return useReplyChannelStore((s) => s.choice[conversationId]);
}
