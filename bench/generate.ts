// Writes the benchmark world (bench/world.ts) into a server store and a desktop cache:
//   server: opened once through the server's own migrations (openStore), then bulk inserts with prepared
//           statements in large transactions, change_log rows included so sync works from it;
//   cache:  through the core cache's own schema (configure + migrate), as a supervisor's fully synced cache.
// The two files are written in parallel by two child processes (one per core). Results are cached under
// bench/.data/<seed>-<scale>-v<version>/ (meta.json is written last and marks a complete set).
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { makeWorld, BENCH_PASSWORD, type World, type WContact, type WConversation, type WMessage, type WAgent, type WChannel } from './world';

export const GENERATOR_VERSION = 3;
const here = path.dirname(fileURLToPath(import.meta.url));

export interface GeneratedData {
  dir: string;
  serverDir: string;
  cacheDir: string;
  meta: DataMeta;
}

export interface DataMeta {
  seed: number;
  scale: number;
  sizes: World['sizes'];
  head: number;
  counts: { contacts: number; conversations: number; messages: number; changeLog: number; agentViewConversations: number; agentViewMessages: number };
  benchAgent: { id: string; email: string; token: string };
  supervisor: { id: string; email: string; token: string };
  password: string;
  channelIds: string[];
  generationSeconds: number;
}

export const tokenFor = (seed: number, who: string) => createHash('sha256').update(`threadline-bench-${seed}-${who}`).digest('base64url');
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
/** The server's scope key for an all-seeing role (src-server/domain/visibility.ts syncScopes). */
export const allSeeingScopeKey = (role: string, id: string) => createHash('sha256').update(`all|${role}|${id}`).digest('base64url').slice(0, 16);

// ── the change-log order, shared by both writers so they agree on every seq ───────────────────
interface Sink {
  agent(a: WAgent, seq: number): void;
  channel(c: WChannel, seq: number): void;
  contact(c: WContact, seqs: number[]): void;
  conversation(c: WConversation, seq: number, messages: readonly WMessage[]): void;
  message(m: WMessage, seq: number): void;
  readMark(agentId: string, c: WConversation, seq: number): void;
  /** Called every `batch` conversations: commit and start the next transaction. */
  flush(): void;
}

function walk(world: World, sink: Sink, batch = 5000): { head: number; agentViewConversations: number; agentViewMessages: number } {
  let seq = 0;
  for (const c of world.channels) sink.channel(c, ++seq);
  for (const a of world.agents) sink.agent(a, ++seq);
  const agentView = new Set(world.agents[0]!.channelIds);
  let agentViewConversations = 0;
  let agentViewMessages = 0;
  let n = 0;
  for (const item of world.stream()) {
    if (item.kind === 'contact') {
      sink.contact(item.contact, item.contact.channelIds.map(() => ++seq));
      continue;
    }
    const c = item.conversation;
    sink.conversation(c, ++seq, item.messages);
    for (const m of item.messages) sink.message(m, ++seq);
    if (agentView.has(c.channelId)) {
      agentViewConversations++;
      agentViewMessages += item.messages.length;
    }
    // Agents have read what they resolved: the supervisor everything resolved, the bench agent its view's.
    if (c.status === 'resolved') {
      sink.readMark(world.supervisorId, c, ++seq);
      if (agentView.has(c.channelId)) sink.readMark(world.benchAgentId, c, ++seq);
    }
    if (++n % batch === 0) sink.flush();
  }
  sink.flush();
  return { head: seq, agentViewConversations, agentViewMessages };
}

/** Counts and next-response intervals of a generated conversation (as conversation-stats.ts records them live). */
function messageFacts(messages: readonly WMessage[]): { inbound: number; outbound: number; next: number[]; awaiting: string | null } {
  let inbound = 0;
  let outbound = 0;
  let replied = false;
  let awaiting: string | null = null;
  const next: number[] = [];
  for (const m of messages) {
    if (m.direction === 'inbound') {
      inbound++;
      if (replied && awaiting === null) awaiting = m.createdAt;
    } else if (m.direction === 'outbound') {
      outbound++;
      if (replied && awaiting !== null) next.push(Math.max(0, Date.parse(m.createdAt) - Date.parse(awaiting)));
      awaiting = null;
      replied = true;
    }
  }
  return { inbound, outbound, next, awaiting };
}

const LABELS = ['billing', 'shipping', 'returns', 'technical', 'account', 'vip'];
/** 0–2 labels per conversation, derived from its id (the world itself has none): the report's label grouping. */
function labelsFor(id: string): string[] {
  const h = parseInt(id.slice(-6), 16);
  const n = h % 3;
  const out = new Set<string>();
  for (let k = 0; k < n; k++) out.add(LABELS[(h >> (4 + 3 * k)) % LABELS.length]!);
  return [...out].sort();
}

const conversationJson = (c: WConversation) =>
  JSON.stringify({
    id: c.id, contactId: c.contactId, channelId: c.channelId, status: c.status, assigneeId: c.assigneeId, subject: c.subject,
    lastMessageAt: c.lastMessageAt, lastMessagePreview: c.lastMessagePreview, lastInboundAt: c.lastInboundAt, createdAt: c.createdAt,
  });
const messageJson = (m: WMessage) =>
  JSON.stringify({
    id: m.id, conversationId: m.conversationId, channelId: m.channelId, direction: m.direction, text: m.text, status: m.status,
    authorId: m.authorId, authorName: m.authorName, createdAt: m.createdAt, failureReason: null,
  });
const contactJson = (c: WContact) => JSON.stringify({ id: c.id, name: c.name, email: c.email, identities: c.identities, createdAt: c.createdAt });
const agentJson = (a: WAgent) => JSON.stringify({ id: a.id, email: a.email, name: a.name, role: a.role, channelIds: a.channelIds, disabled: false });
const channelJson = (c: WChannel) => JSON.stringify({ id: c.id, type: c.type, name: c.name, config: {} });
const readMarkJson = (agentId: string, c: WConversation) => JSON.stringify({ id: `${agentId}:${c.id}`, agentId, conversationId: c.id, readAt: c.lastMessageAt });

function bulkPragmas(db: Database.Database) {
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
}

// ── server ───────────────────────────────────────────────────────────────────────────────────
export async function writeServer(dir: string, seed: number, scale: number): Promise<void> {
  const { openStore } = await import('../src-server/store/db');
  const { hashPassword } = await import('../src-server/auth/passwords');
  const store = await openStore({ dataDir: dir });
  await store.close();
  const world = makeWorld(seed, scale);
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const db = new Database(path.join(dir, 'threadline.sqlite'));
  bulkPragmas(db);
  db.pragma('foreign_keys = OFF');
  const ins = {
    agent: db.prepare('INSERT INTO agents (id, email, name, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)'),
    member: db.prepare('INSERT INTO channel_members (channel_id, agent_id, created_at) VALUES (?, ?, ?)'),
    channel: db.prepare('INSERT INTO channels (id, type, name, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
    contact: db.prepare('INSERT INTO contacts (id, name, email, is_demo, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)'),
    identity: db.prepare('INSERT INTO contact_identities (channel_type, value, contact_id, created_at) VALUES (?, ?, ?, ?)'),
    conversation: db.prepare(
      `INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, subject, last_message_at, last_message_preview, last_inbound_at, is_demo, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    ),
    // With the report facts of 0012_metrics (src-server/domain/conversation-stats.ts keeps them on a live server).
    stats: db.prepare(
      `INSERT INTO conversation_stats (conversation_id, channel_id, created_at, first_response_at, first_response_ms, resolved_at, resolution_ms,
         contact_id, assignee_id, priority, labels, last_assignee_id, first_response_policy_ms, resolution_policy_ms, awaiting_since,
         next_response_list, next_response_policy_list, inbound_count, outbound_count, first_resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    label: db.prepare('INSERT INTO conversation_labels (conversation_id, label) VALUES (?, ?)'),
    convLabels: db.prepare('UPDATE conversations SET labels = ? WHERE id = ?'),
    message: db.prepare(
      `INSERT INTO messages (id, conversation_id, channel_id, direction, text, status, author_id, author_name, external_id, failure_reason, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    ),
    readMark: db.prepare('INSERT INTO read_marks (agent_id, conversation_id, read_at) VALUES (?, ?, ?)'),
    change: db.prepare("INSERT INTO change_log (seq, entity, entity_id, scope, op, data) VALUES (?, ?, ?, ?, 'put', ?)"),
    session: db.prepare('INSERT INTO sessions (id, agent_id, token_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)'),
  };
  const ms = (from: string, to: string | null) => (to === null ? null : Math.max(0, Date.parse(to) - Date.parse(from)));
  db.exec('BEGIN');
  const { head } = walk(world, {
    channel(c, seq) {
      ins.channel.run(c.id, c.type, c.name, '{}', c.createdAt, c.createdAt);
      ins.change.run(seq, 'channel', c.id, c.id, channelJson(c));
    },
    agent(a, seq) {
      ins.agent.run(a.id, a.email, a.name, a.role, passwordHash, a.createdAt, a.createdAt);
      for (const ch of a.channelIds) ins.member.run(ch, a.id, a.createdAt);
      ins.change.run(seq, 'agent', a.id, '*', agentJson(a));
    },
    contact(c, seqs) {
      ins.contact.run(c.id, c.name, c.email, c.createdAt, c.createdAt);
      for (const i of c.identities) ins.identity.run(i.channelType, i.value, c.id, c.createdAt);
      const json = contactJson(c);
      c.channelIds.forEach((ch, k) => ins.change.run(seqs[k]!, 'contact', c.id, ch, json));
    },
    conversation(c, seq, messages) {
      ins.conversation.run(c.id, c.contactId, c.channelId, c.status, c.assigneeId, c.subject, c.lastMessageAt, c.lastMessagePreview, c.lastInboundAt, c.createdAt, c.updatedAt);
      const f = messageFacts(messages);
      const labels = labelsFor(c.id);
      const labelsJson = labels.length ? JSON.stringify(labels) : null;
      if (labelsJson) ins.convLabels.run(labelsJson, c.id);
      for (const l of labels) ins.label.run(c.id, l);
      // No SLA policies in the generated world: policy time = wall-clock time.
      const first = ms(c.createdAt, c.firstResponseAt);
      const resolution = ms(c.createdAt, c.resolvedAt);
      const next = f.next.length ? f.next.join(',') : null;
      ins.stats.run(c.id, c.channelId, c.createdAt, c.firstResponseAt, first, c.resolvedAt, resolution, c.contactId, c.assigneeId, labelsJson, c.assigneeId, first, resolution, f.awaiting, next, next, f.inbound, f.outbound, c.resolvedAt);
      ins.change.run(seq, 'conversation', c.id, c.channelId, conversationJson(c));
    },
    message(m, seq) {
      ins.message.run(m.id, m.conversationId, m.channelId, m.direction, m.text, m.status, m.authorId, m.authorName, m.externalId, m.createdAt, m.createdAt);
      ins.change.run(seq, 'message', m.id, m.channelId, messageJson(m));
    },
    readMark(agentId, c, seq) {
      ins.readMark.run(agentId, c.id, c.lastMessageAt);
      ins.change.run(seq, 'readMark', `${agentId}:${c.id}`, `agent:${agentId}`, readMarkJson(agentId, c));
    },
    flush() {
      db.exec('COMMIT');
      db.exec('BEGIN');
    },
  });
  db.prepare("UPDATE counters SET value = ? WHERE name = 'change_seq'").run(head);
  // First-contact resolution facts: the contact's first inbound message (any conversation) after a first resolution.
  db.exec(`UPDATE conversation_stats SET next_contact_at = (
      SELECT MIN(m.created_at) FROM conversations c JOIN messages m ON m.conversation_id = c.id
      WHERE c.contact_id = conversation_stats.contact_id AND m.direction = 'inbound' AND m.created_at > conversation_stats.first_resolved_at)
    WHERE first_resolved_at IS NOT NULL`);
  const breakRows = db.prepare('SELECT conversation_id AS id, first_resolved_at AS fr, next_contact_at AS nc FROM conversation_stats WHERE next_contact_at IS NOT NULL').all() as { id: string; fr: string; nc: string }[];
  const setBreak = db.prepare('UPDATE conversation_stats SET fcr_break_ms = ? WHERE conversation_id = ?');
  for (const r of breakRows) setBreak.run(Date.parse(r.nc) - Date.parse(r.fr), r.id);
  const now = new Date().toISOString();
  for (const [who, id] of [['agent', world.benchAgentId], ['supervisor', world.supervisorId]] as const) {
    ins.session.run(`bench-session-${who}`, id, sha256hex(tokenFor(seed, who)), now, '2099-01-01T00:00:00.000Z');
  }
  db.exec('COMMIT');
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

// ── desktop cache (a supervisor's, fully synced) ─────────────────────────────────────────────
export async function writeCache(dir: string, seed: number, scale: number): Promise<void> {
  const { configure, migrate } = await import('../src-main/core/cache/schema');
  const world = makeWorld(seed, scale);
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, 'cache.sqlite'));
  configure(db);
  migrate(db);
  bulkPragmas(db);
  const ins = {
    entity: (t: string) => db.prepare(`INSERT INTO ${t} (id, data) VALUES (?, ?)`),
    conversation: db.prepare(
      'INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, last_message_at, last_inbound_at, data, server_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    message: db.prepare('INSERT INTO messages (id, conversation_id, created_at, text, data, from_server) VALUES (?, ?, ?, ?, ?, 1)'),
    readMark: db.prepare('INSERT INTO read_marks (id, agent_id, conversation_id, read_at, server_read_at) VALUES (?, ?, ?, ?, ?)'),
    meta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };
  const agentIns = ins.entity('agents');
  const channelIns = ins.entity('channels');
  const contactIns = ins.entity('contacts');
  db.exec('BEGIN');
  const { head } = walk(world, {
    channel: (c) => channelIns.run(c.id, channelJson(c)),
    agent: (a) => agentIns.run(a.id, agentJson(a)),
    contact: (c) => contactIns.run(c.id, contactJson(c)),
    conversation(c) {
      const json = conversationJson(c);
      ins.conversation.run(c.id, c.contactId, c.channelId, c.status, c.assigneeId, c.lastMessageAt, c.lastInboundAt, json, json);
    },
    message: (m) => ins.message.run(m.id, m.conversationId, m.createdAt, m.text, messageJson(m)),
    readMark(agentId, c) {
      if (agentId === world.supervisorId) ins.readMark.run(`${agentId}:${c.id}`, agentId, c.id, c.lastMessageAt, c.lastMessageAt);
    },
    flush() {
      db.exec('COMMIT');
      db.exec('BEGIN');
    },
  });
  const sup = world.agents[1]!;
  ins.meta.run('clientId', `bench-client-${seed}`);
  ins.meta.run('cursor', String(head));
  ins.meta.run('scopeKey', allSeeingScopeKey(sup.role, sup.id));
  ins.meta.run('agent', JSON.stringify({ id: sup.id, email: sup.email, name: sup.name, role: sup.role, channelIds: sup.channelIds }));
  ins.meta.run('token', tokenFor(seed, 'supervisor'));
  ins.meta.run('lastSyncedAt', new Date().toISOString());
  db.exec('COMMIT');
  // No ANALYZE: a real cache has no planner statistics either.
  db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

// ── orchestration ────────────────────────────────────────────────────────────────────────────
function runPart(part: 'server' | 'cache', dir: string, seed: number, scale: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), part, dir, String(seed), String(scale)], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generating the ${part} failed (exit ${code})`))));
  });
}

export function dataKey(seed: number, scale: number): string {
  return `seed${seed}-scale${scale}-v${GENERATOR_VERSION}`;
}

/** The generated server store and desktop cache for seed+scale, generated now if not cached yet. */
export async function ensureData(opts: { seed: number; scale: number; log?: (s: string) => void }): Promise<GeneratedData> {
  const dir = path.join(here, '.data', dataKey(opts.seed, opts.scale));
  const serverDir = path.join(dir, 'server');
  const cacheDir = path.join(dir, 'cache');
  const metaFile = path.join(dir, 'meta.json');
  if (fs.existsSync(metaFile)) return { dir, serverDir, cacheDir, meta: JSON.parse(fs.readFileSync(metaFile, 'utf8')) as DataMeta };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const world = makeWorld(opts.seed, opts.scale);
  opts.log?.(`generating ${world.sizes.contacts} contacts, ${world.sizes.conversations} conversations, ${world.sizes.messages} messages into ${dir} …`);
  const t0 = performance.now();
  await Promise.all([runPart('server', serverDir, opts.seed, opts.scale), runPart('cache', cacheDir, opts.seed, opts.scale)]);
  const seconds = (performance.now() - t0) / 1000;
  const db = new Database(path.join(serverDir, 'threadline.sqlite'), { readonly: true });
  const count = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n;
  const agentView = world.agents[0]!.channelIds;
  const inView = `channel_id IN (${agentView.map(() => '?').join(',')})`;
  const meta: DataMeta = {
    seed: opts.seed,
    scale: opts.scale,
    sizes: world.sizes,
    head: count("SELECT value AS n FROM counters WHERE name = 'change_seq'"),
    counts: {
      contacts: count('SELECT COUNT(*) AS n FROM contacts'),
      conversations: count('SELECT COUNT(*) AS n FROM conversations'),
      messages: count('SELECT COUNT(*) AS n FROM messages'),
      changeLog: count('SELECT COUNT(*) AS n FROM change_log'),
      agentViewConversations: count(`SELECT COUNT(*) AS n FROM conversations WHERE ${inView}`, ...agentView),
      agentViewMessages: count(`SELECT COUNT(*) AS n FROM messages WHERE ${inView}`, ...agentView),
    },
    benchAgent: { id: world.benchAgentId, email: world.agents[0]!.email, token: tokenFor(opts.seed, 'agent') },
    supervisor: { id: world.supervisorId, email: world.agents[1]!.email, token: tokenFor(opts.seed, 'supervisor') },
    password: BENCH_PASSWORD,
    channelIds: world.channels.map((c) => c.id),
    generationSeconds: Math.round(seconds * 10) / 10,
  };
  db.close();
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  opts.log?.(`generated in ${meta.generationSeconds} s`);
  return { dir, serverDir, cacheDir, meta };
}

/** A private copy of the generated cache or server dir, for a benchmark that writes to it. */
export function copyDir(from: string, to: string): string {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
  return to;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [part, dir, seed, scale] = process.argv.slice(2);
  const run = part === 'server' ? writeServer : part === 'cache' ? writeCache : null;
  if (!run || !dir) {
    console.error('usage: generate.ts server|cache DIR SEED SCALE');
    process.exit(2);
  }
  run(dir, Number(seed), Number(scale)).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
