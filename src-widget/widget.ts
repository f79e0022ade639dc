// Threadline web chat: <script src="https://server/widget.js" data-channel-id="…" [data-mode="page"] async></script>
// Optional, before it: window.ThreadlineSettings = { userId, userHash, name, email } for verified identity.
import { uuidv7 } from '../src-shared/ids';
import type { WidgetIdentity } from '../src-shared/widget-protocol';
import { readConfig, type ScriptLike, type WidgetConfig } from './config';
import { WidgetConnection } from './connection';
import { MAX_TEXT_CHARS, outboxKey, visitorKey } from './constants';
import { Outbox } from './outbox';
import { memoryStore, type KeyValueStore } from './storage';
import { strings } from './strings';
import { Timeline } from './timeline';
import { ChatView } from './view';

declare global {
  interface Window {
    ThreadlineSettings?: unknown;
    __threadlineWidgetLoaded?: boolean;
  }
}

function findScript(): ScriptLike | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // Fallback for loaders that run the script outside the parser.
  return document.querySelector<HTMLScriptElement>('script[data-channel-id][src*="widget.js"]');
}

/** localStorage when the browser allows it (private modes and strict cookie settings may not), else memory. */
function browserStore(): KeyValueStore {
  try {
    const ls = window.localStorage;
    const probe = '__threadline_probe__';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    return memoryStore();
  }
}

function visitorIdFor(store: KeyValueStore, channelId: string): string {
  const existing = store.getItem(visitorKey(channelId));
  if (existing && existing.length >= 8 && existing.length <= 64) return existing;
  const id = uuidv7();
  store.setItem(visitorKey(channelId), id);
  return id;
}

function start(config: WidgetConfig): void {
  const store = browserStore();
  const outbox = new Outbox(store, outboxKey(config.channelId));
  const timeline = new Timeline();
  const hadVisited = store.getItem(visitorKey(config.channelId)) !== null;

  const identity = (): WidgetIdentity => ({ channelId: config.channelId, visitorId: visitorIdFor(store, config.channelId), ...config.settings });

  const host = document.createElement('div');
  host.id = 'threadline-chat';
  document.body.append(host);

  let connection: WidgetConnection | null = null;
  const view = new ChatView(host, config.mode, {
    send(text) {
      if (text.length > MAX_TEXT_CHARS) {
        view.showNotice(strings.tooLong(MAX_TEXT_CHARS));
        return;
      }
      view.showNotice('');
      view.withdrawCsat();
      const conn = ensureConnected();
      timeline.addPending(conn.send(text));
      view.render(timeline.list());
    },
    typing: (on) => connection?.setTyping(on),
    opened: () => ensureConnected(),
    rate: (token, score, comment) => connection?.rate(token, score, comment) ?? false,
  });

  function ensureConnected(): WidgetConnection {
    if (connection) return connection;
    connection = new WidgetConnection({
      url: config.socketUrl,
      identity,
      outbox,
      connect: (url) => new WebSocket(url),
      events: {
        status: (s) => view.setConnection(s),
        welcome(w) {
          if (w.visitorId && w.visitorId.length >= 8) store.setItem(visitorKey(config.channelId), w.visitorId);
          view.setTitle(w.channelName);
          timeline.reset(w.history, outbox.list());
          view.render(timeline.list());
        },
        ack(clientMessageId, message) {
          timeline.ack(clientMessageId, message);
          view.render(timeline.list());
        },
        message(message) {
          const isNew = timeline.receive(message);
          view.render(timeline.list());
          if (isNew && message.direction === 'outbound') {
            view.showTyping(false, '');
            view.noteIncoming(1);
          }
        },
        typing: (on, name) => view.showTyping(on, name),
        queue: (position) => view.showQueue(position),
        refused(clientMessageId, message) {
          timeline.fail(clientMessageId, message);
          view.render(timeline.list());
        },
        error: (_code, message) => view.showNotice(message),
        csat(survey) {
          // Unread only when a survey newly appears (not when a reconnect sends the same one again).
          if (view.showCsat(survey) && survey.score === null) view.noteIncoming(1);
        },
      },
    });
    connection.start();
    return connection;
  }

  // Show what is still waiting to be sent, even before the connection is up.
  for (const entry of outbox.list()) timeline.addPending(entry);
  view.render(timeline.list());

  window.addEventListener('online', () => connection?.reconnectNow());
  // A returning visitor (or one with unsent messages) connects at once, so replies and the unread badge arrive.
  if (config.mode === 'page' || hadVisited || outbox.list().length > 0) ensureConnected();
}

function boot(): void {
  if (window.__threadlineWidgetLoaded) return;
  const script = findScript();
  if (!script) {
    console.error('Threadline widget: cannot find its <script> tag.');
    return;
  }
  const config = readConfig(script, location.href, window.ThreadlineSettings);
  if (typeof config === 'string') {
    console.error(config);
    return;
  }
  window.__threadlineWidgetLoaded = true;
  if (document.body) start(config);
  else document.addEventListener('DOMContentLoaded', () => start(config), { once: true });
}

boot();
