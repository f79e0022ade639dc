// The widget's DOM. Every piece of message text goes in through textContent: never innerHTML.
import { css } from './styles';
import { strings } from './strings';
import type { ChatItem } from './timeline';
import type { WidgetCsat } from '../src-shared/widget-protocol';

type Attrs = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  svg.append(path);
  return svg;
}

function applyStyles(root: ShadowRoot): void {
  const sheetCtor = typeof CSSStyleSheet !== 'undefined' ? CSSStyleSheet : null;
  // Constructed sheets are not subject to a page's style-src CSP; a <style> element is the fallback.
  if (sheetCtor && 'adoptedStyleSheets' in root && 'replaceSync' in sheetCtor.prototype) {
    const sheet = new sheetCtor();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el('style', {}, [css]));
  }
}

export interface ViewCallbacks {
  send(text: string): void;
  typing(on: boolean): void;
  /** The panel became visible (floating mode), or the page mode view mounted. */
  opened(): void;
  /** The customer rated a survey; false when it could not be sent now. */
  rate(token: string, score: number, comment: string): boolean;
}

export class ChatView {
  private readonly panel: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly status: HTMLElement;
  private readonly log: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly typingLine: HTMLElement;
  private readonly queueLine: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly launcher: HTMLButtonElement | null = null;
  private readonly badge: HTMLElement | null = null;
  private readonly badgeText: HTMLElement | null = null;
  private readonly nodes = new Map<string, HTMLLIElement>();
  private readonly csatBox: HTMLElement;
  /** The survey whose unanswered form is showing (a reconnect sends it again: the form must survive that). */
  private csatToken: string | null = null;
  /** Surveys the customer set aside by writing on instead: not shown again in this page. */
  private readonly csatWithdrawn = new Set<string>();
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private unread = 0;
  private isOpen: boolean;

  constructor(
    host: HTMLElement,
    private readonly mode: 'page' | 'floating',
    private readonly cb: ViewCallbacks,
  ) {
    const shadow = host.attachShadow({ mode: 'open' });
    applyStyles(shadow);
    const root = el('div', { class: `root ${mode}` });
    shadow.append(root);

    this.title = el('h1', {}, [strings.title]);
    const header = el('header', {}, [this.title]);
    this.status = el('div', { class: 'status', 'aria-live': 'polite' });
    this.list = el('ul');
    this.empty = el('p', { class: 'empty' }, [strings.empty]);
    this.log = el('div', { class: 'log', role: 'log', 'aria-label': strings.messages, tabindex: '0' }, [this.empty, this.list]);
    this.typingLine = el('div', { class: 'typing', 'aria-live': 'polite' });
    this.queueLine = el('div', { class: 'queue', role: 'status' });
    this.notice = el('div', { class: 'notice', role: 'alert' });
    this.csatBox = el('section', { class: 'csat', 'aria-labelledby': 'tl-csat-title', hidden: '' });
    this.input = el('textarea', { 'aria-label': strings.yourMessage, placeholder: strings.placeholder, rows: '1', maxlength: '10000' });
    const sendButton = el('button', { type: 'submit', class: 'send' }, [strings.send]);
    const form = el('form', {}, [this.input, sendButton]);
    this.panel = el('section', { class: 'panel', id: 'tl-panel', 'aria-labelledby': 'tl-title' }, [header, this.status, this.log, this.csatBox, this.queueLine, this.typingLine, this.notice, form]);
    this.title.id = 'tl-title';
    root.append(this.panel);

    if (mode === 'floating') {
      const close = el('button', { type: 'button', class: 'close', 'aria-label': strings.closeChat }, ['×']);
      close.addEventListener('click', () => this.setOpen(false));
      header.append(close);
      this.badge = el('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
      this.badgeText = el('span', { class: 'sr', id: 'tl-unread' });
      this.launcher = el('button', { type: 'button', class: 'launcher', 'aria-label': strings.openChat, 'aria-expanded': 'false', 'aria-controls': 'tl-panel', 'aria-describedby': 'tl-unread' }, [
        chatIcon(),
        this.badge,
        this.badgeText,
      ]);
      this.launcher.addEventListener('click', () => this.setOpen(!this.isOpen));
      root.append(this.launcher);
      this.panel.hidden = true;
      this.panel.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          this.setOpen(false);
          this.launcher?.focus();
        }
      });
    }
    this.isOpen = mode === 'page';

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      const hasText = this.input.value.trim().length > 0;
      this.cb.typing(hasText);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (hasText) this.idleTimer = setTimeout(() => this.cb.typing(false), 3_000);
    });
    this.input.addEventListener('blur', () => this.cb.typing(false));
  }

  get open(): boolean {
    return this.isOpen;
  }

  setOpen(open: boolean): void {
    if (this.mode === 'page' || open === this.isOpen) return;
    this.isOpen = open;
    this.panel.hidden = !open;
    this.launcher?.setAttribute('aria-expanded', String(open));
    if (open) {
      this.unread = 0;
      this.renderBadge();
      this.cb.opened();
      this.input.focus();
      this.scrollToEnd();
    }
  }

  setTitle(text: string): void {
    this.title.textContent = text || strings.title;
  }

  setConnection(state: 'idle' | 'connecting' | 'online' | 'reconnecting'): void {
    this.status.textContent = state === 'connecting' ? strings.connecting : state === 'reconnecting' ? strings.reconnecting : '';
  }

  showNotice(text: string): void {
    this.notice.textContent = text;
  }

  showTyping(on: boolean, name: string): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    this.typingLine.textContent = on ? strings.typing(name) : '';
    // If the "off" never comes (a dropped connection), do not leave it on screen forever.
    if (on) this.typingTimer = setTimeout(() => (this.typingLine.textContent = ''), 10_000);
  }

  /** Routing: "You are number 3 in the queue" while waiting; cleared once an agent has the chat. */
  showQueue(position: number | null): void {
    this.queueLine.textContent = position === null ? '' : strings.queuePosition(position);
  }

  /**
   * The inline satisfaction survey (docs/csat.md): a radio group 1–5 with accessible names, an optional comment,
   * and a send button; once the server confirms the rating, a thank-you line replaces the form.
   * Returns false when nothing new is shown: the server sends an unanswered survey again at every (re)connect, and
   * the form already on screen keeps the score and comment the customer has entered so far.
   */
  showCsat(survey: WidgetCsat): boolean {
    const box = this.csatBox;
    if (survey.score === null && survey.token === this.csatToken && !box.hidden) return false;
    if (survey.score === null && this.csatWithdrawn.has(survey.token)) return false;
    const root = box.getRootNode() as Document | ShadowRoot;
    const hadFocus = !!root.activeElement && box.contains(root.activeElement);
    box.replaceChildren();
    box.hidden = false;
    const title = el('h2', { id: 'tl-csat-title' }, [strings.csatTitle]);
    if (survey.score !== null) {
      this.csatToken = null;
      const thanks = el('p', { role: 'status', tabindex: '-1' }, [strings.csatThanks(survey.score)]);
      box.append(title, thanks);
      // The button the customer pressed is gone with the form: focus lands on the outcome, not on <body>.
      if (hadFocus) thanks.focus();
      return true;
    }
    this.csatToken = survey.token;
    // The name says the visible word too ("2 out of 5, Bad"), so voice control can pick it by what it shows.
    const options = [1, 2, 3, 4, 5].map((n) =>
      el('label', { class: 'score' }, [el('input', { type: 'radio', name: 'tl-csat-score', value: String(n), 'aria-label': `${strings.csatScore(n)}, ${strings.csatScoreWords[n]!}` }), el('span', { 'aria-hidden': 'true' }, [String(n)]), el('small', { 'aria-hidden': 'true' }, [strings.csatScoreWords[n]!])]),
    );
    const legend = el('legend', {}, [survey.question]);
    const comment = el('textarea', { id: 'tl-csat-comment', rows: '2', maxlength: '2000' });
    const error = el('p', { class: 'csat-error', role: 'alert' });
    const form = el('form', { class: 'csat-form' }, [
      el('fieldset', {}, [legend, el('div', { class: 'scores' }, options)]),
      el('label', { for: 'tl-csat-comment', class: 'csat-comment' }, [strings.csatComment]),
      comment,
      el('button', { type: 'submit', class: 'send' }, [strings.csatSend]),
      error,
    ]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const picked = form.querySelector<HTMLInputElement>('input[name="tl-csat-score"]:checked');
      if (!picked) {
        error.textContent = strings.csatChoose;
        return;
      }
      error.textContent = this.cb.rate(survey.token, Number(picked.value), comment.value) ? '' : strings.csatOffline;
    });
    box.append(title, form);
    this.scrollToEnd();
    return true;
  }

  /**
   * The customer wrote again instead of rating: the unanswered form leaves the conversation (a rating form between
   * new messages reads as a question about help still going on). A later visit may offer it again.
   */
  withdrawCsat(): void {
    if (this.csatToken === null) return;
    this.csatWithdrawn.add(this.csatToken);
    this.csatToken = null;
    this.csatBox.replaceChildren();
    this.csatBox.hidden = true;
  }

  /** Count agent messages that arrived while the floating panel was closed. */
  noteIncoming(count: number): void {
    if (this.isOpen || count <= 0) return;
    this.unread += count;
    this.renderBadge();
  }

  render(items: readonly ChatItem[]): void {
    const nearBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 60;
    const keep = new Set(items.map((i) => i.key));
    for (const [key, node] of this.nodes) {
      if (!keep.has(key)) {
        node.remove();
        this.nodes.delete(key);
      }
    }
    for (const item of items) {
      let node = this.nodes.get(item.key);
      if (!node) {
        node = el('li', {}, [el('span', { class: 'author' }), el('div', { class: 'bubble' }), el('span', { class: 'meta' })]);
        this.nodes.set(item.key, node);
      }
      this.fill(node, item);
      this.list.append(node); // append moves an existing node: keeps DOM order = timeline order
    }
    this.empty.hidden = items.length > 0;
    if (nearBottom) this.scrollToEnd();
  }

  private fill(node: HTMLLIElement, item: ChatItem): void {
    const mine = item.direction === 'inbound';
    node.className = [mine ? 'mine' : 'theirs', item.state].join(' ');
    const [author, bubble, meta] = node.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
    author.textContent = mine ? strings.you : item.authorName;
    if (bubble.textContent !== item.text) bubble.textContent = item.text;
    const time = new Date(item.createdAt);
    const when = Number.isNaN(time.getTime()) ? '' : time.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    if (!mine) meta.textContent = when;
    else if (item.state === 'sending') meta.textContent = strings.sending;
    else if (item.state === 'failed') meta.textContent = strings.notSent(item.error ?? '');
    else meta.textContent = when ? `${strings.sent} · ${when}` : strings.sent;
  }

  private submit(): void {
    const text = this.input.value;
    if (!text.trim()) return;
    this.input.value = '';
    this.autosize();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.cb.send(text);
    this.input.focus();
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 140)}px`;
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private renderBadge(): void {
    if (!this.badge || !this.badgeText) return;
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread > 9 ? '9+' : String(this.unread);
    this.badgeText.textContent = this.unread ? strings.newMessages(this.unread) : '';
  }
}
