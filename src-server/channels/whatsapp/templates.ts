// WhatsApp message templates: synced from the Graph API (GET {apiBaseUrl}/{businessAccountId}/message_templates,
// developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates), kept per
// channel in `whatsapp_templates`, offered by the composer outside the 24-hour window, and sent as
// `type: "template"` messages through the delivery queue.
import { z } from 'zod';
import { nowIso } from '../../../src-shared/ids';
import type { Db } from '../../store/db';
import type { WhatsAppConfig } from '../config-schemas';
import { GraphErrorBody } from './schema';

const Component = z
  .object({
    type: z.string().max(40),
    format: z.string().max(40).optional(),
    text: z.string().max(4096).optional(),
  })
  .passthrough();

export const GraphTemplate = z
  .object({
    name: z.string().min(1).max(512),
    language: z.string().min(1).max(32),
    status: z.string().max(40),
    category: z.string().max(40).optional(),
    id: z.string().max(64).optional(),
    components: z.array(Component).max(20).default([]),
  })
  .passthrough();

export const TemplatesPage = z.object({
  data: z.array(GraphTemplate).max(1000),
  paging: z.object({ cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

/** One template as the apps see it (GET /api/v1/channels/:id/templates). */
export interface TemplateView {
  name: string;
  language: string;
  category: string | null;
  status: string;
  /** The body text with its {{n}} placeholders (shown as a preview). */
  body: string;
  header: string | null;
  /** Positional variables to fill in: body {{1}}…{{n}}, header {{1}}. */
  variables: { component: 'header' | 'body'; index: number }[];
}

/** {{1}}, {{2}}…: the highest index (Meta requires them consecutive from 1). */
export function placeholderCount(text: string | undefined): number {
  let max = 0;
  for (const m of (text ?? '').matchAll(/\{\{\s*(\d+)\s*\}\}/g)) max = Math.max(max, Number(m[1]));
  return max;
}

export function viewOf(row: { name: string; language: string; category: string | null; status: string; components: string }): TemplateView {
  const components = JSON.parse(row.components) as z.infer<typeof Component>[];
  const body = components.find((c) => c.type.toUpperCase() === 'BODY')?.text ?? '';
  const headerC = components.find((c) => c.type.toUpperCase() === 'HEADER' && (c.format ?? 'TEXT').toUpperCase() === 'TEXT');
  const header = headerC?.text ?? null;
  const variables: TemplateView['variables'] = [];
  for (let i = 1; i <= placeholderCount(header ?? undefined); i++) variables.push({ component: 'header', index: i });
  for (let i = 1; i <= placeholderCount(body); i++) variables.push({ component: 'body', index: i });
  return { name: row.name, language: row.language, category: row.category, status: row.status, body, header, variables };
}

export type SyncResult = { ok: true; count: number } | { ok: false; status: number; reason: string };

/** Fetches every page of the account's templates and replaces the channel's stored set. */
export async function syncTemplates(db: Db, channelId: string, config: WhatsAppConfig, signal: AbortSignal = AbortSignal.timeout(30_000)): Promise<SyncResult> {
  if (!config.businessAccountId) return { ok: false, status: 400, reason: 'The channel has no businessAccountId; templates cannot be synced.' };
  const first = `${config.apiBaseUrl}/${encodeURIComponent(config.businessAccountId)}/message_templates?limit=100&fields=name,language,status,category,components`;
  const origin = new URL(config.apiBaseUrl).origin;
  const all: z.infer<typeof GraphTemplate>[] = [];
  let url: string | undefined = first;
  for (let page = 0; url && page < 50; page++) {
    // Paging links must stay on the configured Graph API origin (the token goes with them).
    if (new URL(url).origin !== origin) return { ok: false, status: 502, reason: 'The Graph API paging link points elsewhere; sync stopped.' };
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${config.accessToken}` }, signal });
    } catch (err) {
      return { ok: false, status: 502, reason: `Could not reach the WhatsApp API (${err instanceof Error ? err.message : String(err)}).` };
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const e = GraphErrorBody.safeParse(json);
      return { ok: false, status: 502, reason: `The WhatsApp API refused the template list: ${e.success ? (e.data.error.message ?? `code ${e.data.error.code}`) : `HTTP ${res.status}`}` };
    }
    const p = TemplatesPage.safeParse(json);
    if (!p.success) return { ok: false, status: 502, reason: 'The WhatsApp API answered the template list with an unexpected body.' };
    all.push(...p.data.data);
    url = p.data.paging?.next;
  }
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('whatsapp_templates').where('channel_id', '=', channelId).execute();
    const seen = new Set<string>();
    for (const t of all) {
      const key = `${t.name}\u0000${t.language}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await trx
        .insertInto('whatsapp_templates')
        .values({ channel_id: channelId, name: t.name, language: t.language, status: t.status.toUpperCase(), category: t.category ?? null, components: JSON.stringify(t.components), synced_at: now })
        .execute();
    }
  });
  return { ok: true, count: all.length };
}

export async function approvedTemplates(db: Db, channelId: string): Promise<TemplateView[]> {
  const rows = await db.selectFrom('whatsapp_templates').selectAll().where('channel_id', '=', channelId).where('status', '=', 'APPROVED').orderBy('name').orderBy('language').execute();
  return rows.map(viewOf);
}

export const TemplateSendBody = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(1).max(32),
  /** Values for the variables, in the order of TemplateView.variables ({component, index} pairs). */
  parameters: z.array(z.object({ component: z.enum(['header', 'body']), index: z.number().int().min(1).max(100), text: z.string().trim().min(1).max(1024) })).max(100).default([]),
  messageId: z.string().max(64).optional(),
});
export type TemplateSendBody = z.infer<typeof TemplateSendBody>;

/** Checks the values against the stored template; returns the rendered text and the Graph API components. */
export function buildTemplateSend(view: TemplateView, body: TemplateSendBody): { ok: true; text: string; components: unknown[] } | { ok: false; reason: string } {
  const value = (component: string, index: number) => body.parameters.find((p) => p.component === component && p.index === index)?.text;
  for (const v of view.variables) if (!value(v.component, v.index)) return { ok: false, reason: `variable {{${v.index}}} of the ${v.component} is missing` };
  if (body.parameters.length !== view.variables.length) return { ok: false, reason: `the template has ${view.variables.length} variable(s), ${body.parameters.length} given` };
  const fill = (text: string, component: string) => text.replace(/\{\{\s*(\d+)\s*\}\}/g, (_m, n: string) => value(component, Number(n)) ?? '');
  const components: unknown[] = [];
  const header = view.variables.filter((v) => v.component === 'header');
  const bodyVars = view.variables.filter((v) => v.component === 'body');
  if (header.length) components.push({ type: 'header', parameters: header.map((v) => ({ type: 'text', text: value('header', v.index) })) });
  if (bodyVars.length) components.push({ type: 'body', parameters: bodyVars.map((v) => ({ type: 'text', text: value('body', v.index) })) });
  const text = [view.header ? fill(view.header, 'header') : null, fill(view.body, 'body')].filter(Boolean).join('\n\n') || `[Template ${view.name}]`;
  return { ok: true, text, components };
}
