// Who else has a conversation open, and who is writing a reply in it (collision detection, docs/routing.md).
// Fed by the core's `viewing` events; ephemeral like typing.
import { create } from 'zustand';

export interface Viewer {
  agentId: string;
  name: string;
  replying: boolean;
}

interface ViewingState {
  byConversation: Record<string, Viewer[]>;
  apply(e: { conversationId: string; agentId: string; name: string; on: boolean; replying: boolean }): void;
  reset(): void;
}

export const useViewing = create<ViewingState>((set) => ({
  byConversation: {},
  apply: (e) =>
    set((s) => {
      const others = (s.byConversation[e.conversationId] ?? []).filter((v) => v.agentId !== e.agentId);
      const list = e.on ? [...others, { agentId: e.agentId, name: e.name, replying: e.replying }] : others;
      return { byConversation: { ...s.byConversation, [e.conversationId]: list } };
    }),
  reset: () => set({ byConversation: {} }),
}));
