// UI state that is not server data: which view, filters and conversation the agent is looking at,
// who is typing, and transient notices. Server data lives in react-query.
import { create } from 'zustand';
import type { ConversationStatus } from '../../src-shared/domain';
import type { InboxView } from '../../src-shared/ipc';

export interface Toast {
  id: number;
  text: string;
}

export interface Notice {
  id: number;
  title: string;
  body: string;
  conversationId: string;
}

export interface TypingInfo {
  name: string;
  who: 'customer' | 'agent';
  /** Epoch ms after which the indicator is dropped even if the "off" never arrives. */
  until: number;
}

interface UiState {
  view: InboxView;
  status: ConversationStatus | null;
  channelId: string | null;
  /** Inbox order ('due': soonest SLA due first) and the "At risk" filter. */
  sort: 'recent' | 'due';
  atRisk: boolean;
  /** The row the keyboard cursor is on. */
  selectedId: string | null;
  /** The conversation shown in the main pane. */
  openId: string | null;
  /** Inbox row ids in display order, so shortcuts can move through them. */
  visibleIds: string[];
  typing: Record<string, TypingInfo[]>;
  toasts: Toast[];
  notices: Notice[];
  setView(view: InboxView): void;
  setStatus(status: ConversationStatus | null): void;
  setChannel(channelId: string | null): void;
  setSort(sort: 'recent' | 'due'): void;
  setAtRisk(atRisk: boolean): void;
  select(id: string | null): void;
  open(id: string): void;
  close(): void;
  setVisibleIds(ids: string[]): void;
  setTyping(conversationId: string, who: 'customer' | 'agent', name: string, on: boolean, now?: number): void;
  pruneTyping(now: number): void;
  pushToast(text: string): void;
  dismissToast(id: number): void;
  pushNotice(n: Omit<Notice, 'id'>): void;
  dismissNotice(id: number): void;
  reset(): void;
}

const TYPING_TTL_MS = 8_000;
let nextId = 1;

const initial = {
  view: 'all' as InboxView,
  status: null,
  channelId: null,
  sort: 'recent' as 'recent' | 'due',
  atRisk: false,
  selectedId: null,
  openId: null,
  visibleIds: [],
  typing: {},
  toasts: [],
  notices: [],
};

export const useUi = create<UiState>()((set) => ({
  ...initial,
  setView: (view) => set({ view }),
  setStatus: (status) => set({ status }),
  setChannel: (channelId) => set({ channelId }),
  setSort: (sort) => set({ sort }),
  setAtRisk: (atRisk) => set({ atRisk }),
  select: (selectedId) => set({ selectedId }),
  open: (id) => set({ openId: id, selectedId: id }),
  close: () => set({ openId: null }),
  setVisibleIds: (visibleIds) => set({ visibleIds }),
  setTyping: (conversationId, who, name, on, now = Date.now()) =>
    set((s) => {
      const others = (s.typing[conversationId] ?? []).filter((t) => !(t.who === who && t.name === name));
      const list = on ? [...others, { who, name, until: now + TYPING_TTL_MS }] : others;
      return { typing: { ...s.typing, [conversationId]: list } };
    }),
  pruneTyping: (now) =>
    set((s) => {
      let changed = false;
      const typing: Record<string, TypingInfo[]> = {};
      for (const [id, list] of Object.entries(s.typing)) {
        const kept = list.filter((t) => t.until > now);
        if (kept.length !== list.length) changed = true;
        if (kept.length) typing[id] = kept;
      }
      return changed ? { typing } : s;
    }),
  pushToast: (text) => set((s) => ({ toasts: [...s.toasts.slice(-3), { id: nextId++, text }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  pushNotice: (n) => set((s) => ({ notices: [...s.notices.filter((x) => x.conversationId !== n.conversationId).slice(-3), { ...n, id: nextId++ }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((x) => x.id !== id) })),
  reset: () => set({ ...initial }),
}));
