// CSAT over HTTP (docs/csat.md).
//   Public: GET /csat/:token[?score=N] — the e-mail rating page (score preselected; NEVER records: mail scanners
//   and link previews open links); POST /csat/:token {score, comment?} (form or JSON) — records the answer; a
//   second POST updates the same survey. Unknown token 404, bad score 400, a skipped survey 409.
//   Authenticated: GET /api/v1/conversations/:id/csat — the conversation's survey (visibility as the conversation).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CSAT_COMMENT_MAX, CSAT_LABELS, CSAT_MAX, CSAT_MIN, CsatAnswer, DEFAULT_CSAT_QUESTION } from '../../src-shared/csat';
import { csatConfigOf, recordAnswer, summaryOf, surveyByToken, type SurveyRow } from '../csat/store';
import { loadConversationRow } from '../domain/entities';
import { notFound } from '../domain/errors';
import { canSeeChannel } from '../domain/visibility';
import { actorOf, type ServerContext } from './context';
import { HttpError, parse } from './http-errors';

const TokenParams = z.object({ token: z.string().min(1).max(64) });
const PageQuery = z.object({ score: z.coerce.number().int().min(CSAT_MIN).max(CSAT_MAX).optional() });
// The longest comment (2000 UTF-16 units) form-encoded is up to 18,000 bytes (3 UTF-8 bytes, each as %XX).
const FORM_LIMIT = 24 * 1024;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function wantsHtml(req: FastifyRequest): boolean {
  return String(req.headers.accept ?? '').includes('text/html') || String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;background:#f5f6f8}
main{background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
fieldset{border:0;padding:0;margin:0 0 1rem}legend{font-weight:600;margin-bottom:.75rem;font-size:1.1rem}
.scores{display:flex;gap:.5rem;flex-wrap:wrap}.scores label{display:flex;flex-direction:column;align-items:center;border:1px solid #c3c8cf;border-radius:6px;padding:.5rem .75rem;cursor:pointer}
.scores input{margin:0 0 .25rem}label.comment{display:block;font-weight:600;margin-bottom:.25rem}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit}
button{margin-top:1rem;font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:0;background:#1f5fbf;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #1f5fbf;outline-offset:2px}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function ratingPage(token: string, question: string, score: number | null, comment: string | null, answered: boolean): string {
  const options = Array.from({ length: CSAT_MAX - CSAT_MIN + 1 }, (_, i) => CSAT_MIN + i)
    .map((s) => `<label><input type="radio" name="score" value="${s}" required${s === score ? ' checked' : ''}>${s}<span>${escapeHtml(CSAT_LABELS[s]!)}</span></label>`)
    .join('\n');
  return page(
    'Rate our help',
    `<h1>Rate our help</h1>
${answered ? '<p role="status">Thank you, we have your rating. You can change it below.</p>' : ''}
<form method="post" action="/csat/${encodeURIComponent(token)}">
<fieldset>
<legend>${escapeHtml(question)}</legend>
<div class="scores">
${options}
</div>
</fieldset>
<label class="comment" for="comment">Anything you would like to add? (optional)</label>
<textarea id="comment" name="comment" maxlength="${CSAT_COMMENT_MAX}">${escapeHtml(comment ?? '')}</textarea>
<button type="submit">Send rating</button>
</form>`,
  );
}

async function questionOf(ctx: ServerContext, survey: SurveyRow): Promise<string> {
  const channel = await ctx.db.selectFrom('channels').select('config').where('id', '=', survey.channel_id).executeTakeFirst();
  return (channel ? csatConfigOf(channel.config).question : undefined) ?? DEFAULT_CSAT_QUESTION;
}

function fail(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  if (wantsHtml(req)) return secure(reply.code(status)).send(page('Rating', `<h1>Sorry</h1><p role="alert">${escapeHtml(message)}</p>`));
  return reply.code(status).send({ error: { code, message } });
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

/** Public routes, registered in their own scope (they parse HTML form bodies). */
export function csatPageRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/csat/:token', async (req, reply) => {
    const { token } = parse(TokenParams, req.params);
    const q = PageQuery.safeParse(req.query);
    if (!q.success) return fail(req, reply, 400, 'invalid', `score must be a whole number from ${CSAT_MIN} to ${CSAT_MAX}`);
    const survey = await surveyByToken(ctx.db, token);
    if (!survey) return fail(req, reply, 404, 'not_found', 'This rating link is not valid.');
    if (survey.state === 'skipped') return fail(req, reply, 409, 'conflict', 'This survey is closed.');
    // Reading the page records nothing: a link scanner opening ?score=1 must not rate the conversation.
    return secure(reply).send(ratingPage(token, await questionOf(ctx, survey), q.data.score ?? survey.score, survey.comment, survey.state === 'answered'));
  });

  // Public and unauthenticated: every body (form or JSON) gets the small limit, not the API's megabyte.
  app.post('/csat/:token', { bodyLimit: FORM_LIMIT }, async (req, reply) => {
    const { token } = parse(TokenParams, req.params);
    const body = CsatAnswer.safeParse(req.body ?? {});
    if (!body.success) {
      const issue = body.error.issues[0];
      return fail(req, reply, 400, 'invalid', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const res = await ctx.commands.run((w) => recordAnswer(w, token, body.data));
    if (res.kind === 'unknown') return fail(req, reply, 404, 'not_found', 'This rating link is not valid.');
    if (res.kind === 'closed') return fail(req, reply, 409, 'conflict', 'This survey is closed.');
    if (!wantsHtml(req)) return reply.code(200).send({ score: res.survey.score, comment: res.survey.comment, answeredAt: res.survey.answered_at });
    return secure(reply).send(
      page('Thank you', `<h1>Thank you!</h1><p role="status">You rated our help ${res.survey.score} out of ${CSAT_MAX}.</p><p><a href="/csat/${encodeURIComponent(token)}">Change your rating</a></p>`),
    );
  });
}

/** Authenticated API (inside the /api/v1 scope). */
export function csatApiRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/conversations/:id/csat', async (req) => {
    const { id } = parse(z.object({ id: z.string().max(64) }), req.params);
    const row = await loadConversationRow(ctx.db, id);
    if (!row || !(await canSeeChannel(ctx.db, actorOf(req), row.channel_id))) throw notFound('conversation');
    const survey = await ctx.db.selectFrom('csat_surveys').selectAll().where('conversation_id', '=', id).executeTakeFirst();
    if (!survey) throw new HttpError(404, 'not_found', 'this conversation has no survey');
    return { id: survey.id, conversationId: survey.conversation_id, agentId: survey.agent_id, ...summaryOf(survey), createdAt: survey.created_at };
  });
}
