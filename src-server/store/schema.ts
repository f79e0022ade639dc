// Table types for Kysely. Column names are snake_case; times are ISO-8601 text (sort as strings);
// booleans are 0/1 integers so the same values bind on SQLite and PostgreSQL.
export interface AgentsTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  agent_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ChannelsTable {
  id: string;
  type: string;
  name: string;
  /** JSON, secrets included: never sent to clients as is (see domain/channel-config.ts). */
  config: string;
  created_at: string;
  updated_at: string;
}

export interface ChannelMembersTable {
  channel_id: string;
  agent_id: string;
  created_at: string;
}

export interface ContactsTable {
  id: string;
  name: string;
  email: string | null;
  is_demo: number;
  created_at: string;
  updated_at: string;
}

export interface ContactIdentitiesTable {
  channel_type: string;
  value: string;
  contact_id: string;
  created_at: string;
}

export interface ConversationsTable {
  id: string;
  contact_id: string;
  channel_id: string;
  status: string;
  assignee_id: string | null;
  subject: string | null;
  last_message_at: string;
  last_message_preview: string;
  last_inbound_at: string | null;
  is_demo: number;
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  channel_id: string;
  direction: string;
  text: string;
  status: string;
  author_id: string | null;
  author_name: string;
  /** The channel's own id for the message (widget clientMessageId, WhatsApp wamid…): dedupe key. */
  external_id: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
  /** 0002_channels: JSON channel metadata (attachments, e-mail headers); null for plain text. */
  meta?: string | null;
}

export interface DraftsTable {
  agent_id: string;
  conversation_id: string;
  text: string;
  updated_at: string;
}

export interface ReadMarksTable {
  agent_id: string;
  conversation_id: string;
  read_at: string;
}

export interface ClientMutationsTable {
  client_id: string;
  agent_id: string;
  last_mutation_seq: number;
  updated_at: string;
}

/** Rejected mutations, kept so a client whose pushResult was lost still learns why (welcome.rejected). */
export interface MutationRejectionsTable {
  client_id: string;
  agent_id: string;
  seq: number;
  mutation_id: string;
  code: string;
  message: string;
  created_at: string;
}

export interface ChangeLogTable {
  seq: number;
  entity: string;
  entity_id: string;
  scope: string;
  op: string;
  data: string | null;
}

/** Named integer counters: `change_seq` (the one rising change sequence), `min_cursor`. */
export interface CountersTable {
  name: string;
  value: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** 0002_channels: one outbound delivery per message (channels/delivery.ts). */
export interface DeliveryJobsTable {
  id: string;
  message_id: string;
  channel_id: string;
  state: 'pending' | 'sending' | 'done' | 'failed';
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** 0004_perf: per-conversation response-time facts for the metrics (src-server/metrics/response-times.ts). */
export interface ConversationStatsTable {
  conversation_id: string;
  channel_id: string;
  created_at: string;
  first_response_at: string | null;
  first_response_ms: number | null;
  resolved_at: string | null;
  resolution_ms: number | null;
}

export interface DB {
  agents: AgentsTable;
  sessions: SessionsTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  drafts: DraftsTable;
  read_marks: ReadMarksTable;
  client_mutations: ClientMutationsTable;
  mutation_rejections: MutationRejectionsTable;
  change_log: ChangeLogTable;
  conversation_stats: ConversationStatsTable;
  counters: CountersTable;
  settings: SettingsTable;
  delivery_jobs: DeliveryJobsTable;
}
