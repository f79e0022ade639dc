// /api/v1/sla-policies and /api/v1/business-calendars: SLA configuration. Admins write; admins and supervisors
// read; agents get 403 (they see SLAs through their conversations). docs/sla.md explains policy precedence.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SlaPolicyInput } from '../../src-shared/sla';
import { CalendarInput, createCalendar, createPolicy, deleteCalendar, deletePolicy, getCalendar, getPolicy, listCalendars, listPolicies, updateCalendar, updatePolicy } from '../sla/store';
import { parse } from './http-errors';
import { requireRole, type ServerContext } from './context';

const IdParams = z.object({ id: z.string().max(64) });
const NonEmpty = z.record(z.string(), z.unknown()).refine((p) => Object.keys(p).length > 0, 'nothing to change');
// Patches name known fields only; the merged policy is validated as a whole (sla/store.ts), so defaults never overwrite.
const PolicyPatch = NonEmpty.refine((p) => Object.keys(p).every((k) => k in SlaPolicyInput.shape), 'unknown field');
const CalendarPatch = NonEmpty.pipe(z.object({ name: z.string(), timeZone: z.string(), weekly: z.array(z.unknown()), holidays: z.array(z.unknown()) }).partial().strict());

export function slaRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const read = { preHandler: requireRole('admin', 'supervisor') };
  const write = { preHandler: requireRole('admin') };

  app.get('/api/v1/sla-policies', read, async () => ({ items: await listPolicies(ctx.db) }));
  app.get('/api/v1/sla-policies/:id', read, async (req) => getPolicy(ctx.db, parse(IdParams, req.params).id));
  app.post('/api/v1/sla-policies', write, async (req, reply) => reply.code(201).send(await createPolicy(ctx.db, parse(SlaPolicyInput, req.body))));
  app.patch('/api/v1/sla-policies/:id', write, async (req) => {
    const { id } = parse(IdParams, req.params);
    return updatePolicy(ctx.db, id, parse(PolicyPatch, req.body ?? {}));
  });
  app.delete('/api/v1/sla-policies/:id', write, async (req, reply) => {
    await deletePolicy(ctx.db, parse(IdParams, req.params).id);
    return reply.code(204).send();
  });

  app.get('/api/v1/business-calendars', read, async () => ({ items: await listCalendars(ctx.db) }));
  app.get('/api/v1/business-calendars/:id', read, async (req) => getCalendar(ctx.db, parse(IdParams, req.params).id));
  app.post('/api/v1/business-calendars', write, async (req, reply) => reply.code(201).send(await createCalendar(ctx.db, parse(CalendarInput, req.body))));
  app.patch('/api/v1/business-calendars/:id', write, async (req) => {
    const { id } = parse(IdParams, req.params);
    return updateCalendar(ctx.db, id, parse(CalendarPatch, req.body ?? {}));
  });
  app.delete('/api/v1/business-calendars/:id', write, async (req, reply) => {
    await deleteCalendar(ctx.db, parse(IdParams, req.params).id);
    return reply.code(204).send();
  });
}
