// 0009_collab: collaboration (docs/routing.md §Handoff). The agents @mentioned in a private note, as a JSON array
// of agent ids (null: none). Claims and transfers are routing events (0006_routing), handover notes are messages.
import type { Kysely, Migration } from 'kysely';

export const collabMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('mentions', 'text').execute();
  },
};
