// Table types for Kysely. Column names are snake_case; times are ISO-8601 text (sort as strings);
// booleans are 0/1 integers so the same values bind on SQLite and PostgreSQL.
import type { Generated } from 'kysely';
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
  // 0011_identity: the customer profile (JSON for attributes/tags), and the survivor when merged into another.
  tier?: string | null;
  language?: string | null;
  time_zone?: string | null;
  attributes?: string | null;
  tags?: string | null;
  notes?: string | null;
  merged_into?: string | null;
}

export interface ContactIdentitiesTable {
  channel_type: string;
  value: string;
  contact_id: string;
  created_at: string;
  /** 0011_identity: 1 = proven by the channel, 0 = claimed. */
  verified: Generated<number>;
  source?: string | null;
}

export interface ContactMergesTable {
  id: string;
  survivor_id: string;
  merged_id: string;
  moved: string;
  reason: string;
  actor_id: string | null;
  created_at: string;
  undone_at: string | null;
}

export interface MergeSuggestionsTable {
  id: string;
  contact_id: string;
  other_id: string;
  reason: string;
  state: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface ContactAuditTable {
  id: string;
  contact_id: string;
  kind: string;
  actor_id: string | null;
  data: string;
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
  /** SLA (0003_sla): priority, the clock snapshot (JSON, src-shared/sla SlaSnapshot), stored due times, state, next firing. */
  priority: Generated<string>;
  sla: string | null;
  first_response_due_at: string | null;
  next_response_due_at: string | null;
  resolution_due_at: string | null;
  sla_state: string | null;
  sla_next_at: string | null;
  /** Routing (0006_routing): the team whose queue holds it, the rule that chose it, queue/assignment times, reply deadline, labels (JSON). */
  routing_team_id?: string | null;
  routing_rule_id?: string | null;
  queued_at?: string | null;
  assigned_at?: string | null;
  reply_due_at?: string | null;
  labels?: string | null;
  /** 0013_csat: JSON src-shared/csat ConversationCsat, the conversation's survey; null without one. */
  csat?: string | null;
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
  /** 0007_channel_media: JSON array of attachment summaries (src-shared MessageAttachment); null without any. */
  attachments?: string | null;
  /** 0007_channel_media: 1 when an original (sanitised e-mail HTML / full text) can be shown on demand. */
  has_original?: number | null;
  /** 0009_collab: JSON array of the agent ids @mentioned in a private note; null without any. */
  mentions?: string | null;
}

/** 0007_channel_media: inbound media, downloaded after the acknowledgement by channels/media.ts. */
export interface AttachmentsTable {
  id: string;
  message_id: string;
  channel_id: string;
  position: number;
  kind: string;
  vendor_id: string | null;
  file_name: string | null;
  declared_type: string | null;
  mime_type: string | null;
  size: number | null;
  state: string;
  reason: string | null;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
}

/** 0008_outbound_media: a file an agent uploaded for a reply (becomes an attachment row when sent). */
export interface UploadsTable {
  id: string;
  conversation_id: string;
  channel_id: string;
  agent_id: string;
  file_name: string;
  mime_type: string;
  size: number;
  message_id: string | null;
  created_at: string;
}

/** 0007_channel_media: WhatsApp message templates synced from the Graph API. */
export interface WhatsappTemplatesTable {
  channel_id: string;
  name: string;
  language: string;
  status: string;
  category: string | null;
  components: string;
  synced_at: string;
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
  // 0012_metrics (docs/metrics.md): the report's facts, kept at write time by domain/conversation-stats.ts.
  /** The conversation's current contact / assignee / routing team / priority / labels (JSON array, null when none). */
  contact_id?: string | null;
  assignee_id?: string | null;
  team_id?: string | null;
  priority?: string | null;
  labels?: string | null;
  /** The latest agent it was assigned to (transfer detection: a different agent later = a transfer). */
  last_assignee_id?: string | null;
  /** Business ms in the SLA calendar of the conversation's policy (= wall ms without one). */
  first_response_policy_ms?: number | null;
  resolution_policy_ms?: number | null;
  /** First customer message not answered yet, after an agent reply (next-response clock). */
  awaiting_since?: string | null;
  /** Comma-separated next-response durations (wall / policy ms), one per answering reply: one scan reads them all. */
  next_response_list?: string | null;
  next_response_policy_list?: string | null;
  inbound_count?: Generated<number>;
  outbound_count?: Generated<number>;
  first_resolved_at?: string | null;
  reopen_count?: Generated<number>;
  first_reopened_at?: string | null;
  transfer_count?: Generated<number>;
  first_transfer_at?: string | null;
  /** First inbound message of the same contact (any conversation) after first_resolved_at. */
  next_contact_at?: string | null;
  /** ms after first_resolved_at at which first-contact resolution broke (0 = transferred before); null = never. */
  fcr_break_ms?: number | null;
  has_sla?: Generated<number>;
  sla_breached?: Generated<number>;
}

/** 0012_metrics: each agent reply that answered customer messages after an earlier reply (next response time). */
export interface ResponseIntervalsTable {
  id: string;
  conversation_id: string;
  channel_id: string;
  agent_id: string | null;
  /** First unanswered customer message / the reply. */
  waiting_since: string;
  replied_at: string;
  wall_ms: number;
  policy_ms: number;
}

/** 0012_metrics: one row per label of a conversation (the report's label grouping). */
export interface ConversationLabelsTable {
  conversation_id: string;
  label: string;
}

export interface SlaCalendarsTable {
  id: string;
  name: string;
  time_zone: string;
  weekly: string;
  holidays: string;
  created_at: string;
  updated_at: string;
}

export interface SlaPoliciesTable {
  id: string;
  name: string;
  enabled: number;
  channel_type: string | null;
  priority: string | null;
  customer_tier: string | null;
  calendar_id: string | null;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  pause_on: string;
  warnings: string;
  escalation: string;
  created_at: string;
  updated_at: string;
}

export interface SlaEventsTable {
  key: string;
  id: string;
  conversation_id: string;
  channel_id: string;
  target: string;
  kind: string;
  due_at: string;
  fired_at: string;
  data: string;
}

/** 0006_routing (src-server/routing/). JSON columns hold src-shared/routing shapes. */
export interface TeamsTable {
  id: string;
  name: string;
  strategy: string;
  default_capacity: string;
  overflow_team_id: string | null;
  overflow_after_seconds: number | null;
  overflow_queue_length: number | null;
  reply_timeout_seconds: number | null;
  sticky_window_minutes: number | null;
  last_assigned_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface TeamMembersTable {
  team_id: string;
  agent_id: string;
  created_at: string;
}
export interface AgentRoutingTable {
  agent_id: string;
  skills: string;
  capacity: string;
  status: string;
  effective: string;
  last_seen_at: string | null;
  updated_at: string;
}
export interface RoutingRulesTable {
  id: string;
  position: number;
  name: string;
  enabled: number;
  conditions: string;
  team_id: string;
  required_skills: string;
  created_at: string;
  updated_at: string;
}
export interface EscalationRulesTable {
  id: string;
  position: number;
  data: string;
  created_at: string;
  updated_at: string;
}
export interface EscalationsFiredTable {
  rule_id: string;
  conversation_id: string;
  fired_at: string;
}
export interface RoutingEventsTable {
  id: string;
  conversation_id: string;
  channel_id: string;
  kind: string;
  seq: number;
  at: string;
  data: string;
}

export interface DB {
  teams: TeamsTable;
  team_members: TeamMembersTable;
  agent_routing: AgentRoutingTable;
  routing_rules: RoutingRulesTable;
  escalation_rules: EscalationRulesTable;
  escalations_fired: EscalationsFiredTable;
  routing_events: RoutingEventsTable;
  sla_calendars: SlaCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_events: SlaEventsTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  contact_merges: ContactMergesTable;
  merge_suggestions: MergeSuggestionsTable;
  contact_audit: ContactAuditTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  drafts: DraftsTable;
  read_marks: ReadMarksTable;
  client_mutations: ClientMutationsTable;
  mutation_rejections: MutationRejectionsTable;
  change_log: ChangeLogTable;
  conversation_stats: ConversationStatsTable;
  response_intervals: ResponseIntervalsTable;
  conversation_labels: ConversationLabelsTable;
  counters: CountersTable;
  settings: SettingsTable;
  delivery_jobs: DeliveryJobsTable;
  attachments: AttachmentsTable;
  whatsapp_templates: WhatsappTemplatesTable;
  uploads: UploadsTable;
  quality_samples: QualitySamplesTable;
  quality_sample_items: QualitySampleItemsTable;
  quality_reviews: QualityReviewsTable;
  csat_surveys: CsatSurveysTable;
}

/** 0013_csat (docs/csat.md): one survey per conversation, ever. */
export interface CsatSurveysTable {
  id: string;
  conversation_id: string;
  contact_id: string;
  /** The channel the survey went out on (the customer's last inbound channel). */
  channel_id: string;
  channel_type: string;
  /** The assignee when the conversation was resolved. */
  agent_id: string | null;
  /** Random, url-safe: the rating page and the button payloads carry it. */
  token: string;
  /** sent | answered | skipped | failed (sent with sent_at null: queued). */
  state: string;
  detail: string | null;
  score: number | null;
  comment: string | null;
  sent_at: string | null;
  answered_at: string | null;
  created_at: string;
}

/** 0014_quality (docs/quality.md): weekly samples per ISO week (UTC) and rubric reviews. */
export interface QualitySamplesTable {
  week: string;
  start_at: string;
  end_at: string;
  per_channel: number;
  final: number;
  drawn_at: string;
  drawn_by: string | null;
  updated_at: string;
}
export interface QualitySampleItemsTable {
  week: string;
  conversation_id: string;
  channel_id: string;
  agent_id: string | null;
  resolved_at: string;
  draw_key: string;
}
export interface QualityReviewsTable {
  id: string;
  conversation_id: string;
  reviewer_id: string;
  agent_id: string | null;
  channel_id: string;
  criteria: string;
  scores: string;
  score: number;
  max_score: number;
  comment: string;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}
