// WhatsApp's 24-hour customer-service window: free-form replies only within 24 hours of the customer's
// last message; each customer message re-opens it, the business's own sends do not. Outside it, only an
// approved template may be sent. Shared by the server (enforces) and the desktop core (composer).
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface ReplyRule {
  allowed: boolean;
  /** Why public replies are refused now (shown in the composer); null when allowed. */
  reason: string | null;
  /** When the current window closes; null when there is none. */
  closesAt: string | null;
}

export const WHATSAPP_WINDOW_CLOSED =
  'More than 24 hours have passed since the customer last wrote, so WhatsApp only accepts an approved template message now. Templates are not available in Threadline yet; ask the customer to write again (for example by phone or e-mail), or send a template from WhatsApp Manager.';

export function whatsappReplyRule(lastInboundAt: string | null, now: Date): ReplyRule {
  if (!lastInboundAt) return { allowed: false, reason: WHATSAPP_WINDOW_CLOSED, closesAt: null };
  const closes = Date.parse(lastInboundAt) + WHATSAPP_WINDOW_MS;
  if (!Number.isFinite(closes) || closes <= now.getTime()) return { allowed: false, reason: WHATSAPP_WINDOW_CLOSED, closesAt: Number.isFinite(closes) ? new Date(closes).toISOString() : null };
  return { allowed: true, reason: null, closesAt: new Date(closes).toISOString() };
}
