// The channel runtime of one server: adapters by type, channel secrets, the delivery queue, the
// webhook routes (raw-body scope) and long-running receivers.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { ChannelType } from '../../src-shared/domain';
import { parseConfig } from '../domain/channel-config';
import type { Commands } from '../domain/commands';
import type { Store } from '../store/db';
import type { Db } from '../store/db';
import type { ChannelsTable } from '../store/schema';
import { prepared } from '../store/prepared';
import type { ChannelAdapter } from './adapter';
import { DeliveryQueue, type DeliveryOptions } from './delivery';
import { MediaJobs, type MediaOptions } from './media';
import { SecretBox } from './secrets';
import { whatsappAdapter } from './whatsapp/adapter';
import { telegramAdapter } from './telegram/adapter';
import { emailAdapter, closeEmailTransports } from './email/adapter';

/** Raw webhook bodies above this are refused (413) before any parsing. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface ChannelRuntimeOptions {
  dataDir: string;
  delivery?: Partial<DeliveryOptions>;
  /** Inbound media downloads (size limit, retries). */
  media?: Partial<MediaOptions>;
  /** Start long-running receivers (Telegram polling, IMAP); default true. */
  receivers?: boolean;
}

/** Read on every webhook: compiled once (store/prepared.ts). */
const channelByIdAndType = prepared((q, arg: (k: 'id' | 'type') => string) => q.selectFrom('channels').selectAll().where('id', '=', arg('id')).where('type', '=', arg('type')));

export class ChannelRuntime {
  readonly secrets: SecretBox;
  readonly delivery: DeliveryQueue;
  readonly media: MediaJobs;
  readonly db: Db;
  private readonly adapters = new Map<ChannelType, ChannelAdapter>();
  private readonly receivers = new Map<string, { stop(): Promise<void> }>();
  private readonly configCache = new Map<string, { version: string; config: Record<string, unknown> }>();

  constructor(
    readonly store: Store,
    readonly commands: Commands,
    readonly log: FastifyBaseLogger,
    readonly opts: ChannelRuntimeOptions,
  ) {
    this.db = store.db;
    this.secrets = SecretBox.open(opts.dataDir);
    for (const a of [whatsappAdapter, telegramAdapter, emailAdapter]) this.adapters.set(a.type, a);
    this.delivery = new DeliveryQueue(this, opts.delivery);
    this.media = new MediaJobs(this, opts.media);
    // An agent's reply was committed: deliver it now rather than at the next poll.
    commands.hub.onOutbound(() => this.delivery.kick());
  }

  adapter(type: string): ChannelAdapter | undefined {
    return this.adapters.get(type as ChannelType);
  }

  registerAdapter(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.type, adapter);
  }

  /** The channel's plain config, validated (defaults applied) by its adapter's schema. */
  channelConfig(row: Selectable<ChannelsTable>): Record<string, unknown> {
    const plain = this.secrets.open(parseConfig(row.config));
    const adapter = this.adapter(row.type);
    return adapter ? adapter.configSchema.parse(plain) : plain;
  }

  /** Loads a channel of the given type for a webhook; undefined if there is none (→ 404). */
  async channelFor(id: string, type: ChannelType): Promise<{ row: Selectable<ChannelsTable>; config: Record<string, unknown> } | undefined> {
    if (id.length > 64) return undefined;
    const row = await channelByIdAndType.first(this.db, { id, type });
    if (!row) return undefined;
    try {
      // Opening secrets (AES-GCM) and validating on every webhook is wasted work: cache per channel version.
      const cached = this.configCache.get(row.id);
      if (cached && cached.version === row.updated_at + row.config) return { row, config: cached.config };
      const config = this.channelConfig(row);
      this.configCache.set(row.id, { version: row.updated_at + row.config, config });
      return { row, config };
    } catch {
      return undefined; // not configured well enough to verify anything
    }
  }

  /** Webhook routes in their own scope: bodies arrive as raw bytes (signatures are over the exact bytes). */
  async registerRoutes(app: FastifyInstance): Promise<void> {
    await app.register(async (hooks) => {
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
      for (const adapter of this.adapters.values()) adapter.webhooks?.(hooks, this);
    });
  }

  async start(): Promise<void> {
    await this.delivery.start();
    await this.media.start();
    if (this.opts.receivers === false) return;
    for (const row of await this.db.selectFrom('channels').selectAll().execute()) this.startReceiver(row);
  }

  /** (Re)starts the receiver of one channel after it was created or its config changed. */
  async restartReceiver(channelId: string): Promise<void> {
    await this.receivers.get(channelId)?.stop();
    this.receivers.delete(channelId);
    if (this.opts.receivers === false) return;
    const row = await this.db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
    if (row) this.startReceiver(row);
  }

  private startReceiver(row: Selectable<ChannelsTable>): void {
    const adapter = this.adapter(row.type);
    if (!adapter?.start) return;
    try {
      const config = this.channelConfig(row);
      const r = adapter.start(row, config, this);
      if (r) this.receivers.set(row.id, r);
    } catch (err) {
      this.log.warn({ err, channelId: row.id }, 'channel receiver not started (config invalid)');
    }
  }

  async stop(): Promise<void> {
    for (const r of this.receivers.values()) await r.stop().catch(() => undefined);
    this.receivers.clear();
    await this.delivery.stop();
    await this.media.stop();
    closeEmailTransports();
  }
}
