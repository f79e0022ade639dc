// OS notifications for the core's 'notify' events (the core already applied the policy and the
// coalescing). A click brings the window forward and tells the renderer which conversation to open.
import type { Notification as ThreadlineNotification } from '../../src-shared/ipc';
import type { NotificationCtor, NotificationPort } from './ports';

export interface NotifierOptions {
  iconPath?: string;
  /** Focus the window and navigate the renderer to this conversation. */
  openConversation: (conversationId: string) => void;
}

export function createNotifier(Notification: NotificationCtor, opts: NotifierOptions) {
  // Electron drops the click handler of a notification object that gets garbage-collected: hold them.
  const live = new Set<NotificationPort>();
  return {
    show(n: ThreadlineNotification): NotificationPort | null {
      if (!Notification.isSupported()) return null;
      // The core wrote title and body for the whole coalesced burst (n.count): show them as they are.
      const note = new Notification({ title: n.title, body: n.body, silent: false, ...(opts.iconPath ? { icon: opts.iconPath } : {}) });
      note.on('click', () => {
        live.delete(note);
        opts.openConversation(n.conversationId);
      });
      note.on('close', () => live.delete(note));
      live.add(note);
      note.show();
      return note;
    },
    get pending(): number {
      return live.size;
    },
  };
}
