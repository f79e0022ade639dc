// Routing (docs/routing.md): rule evaluation, assignment strategies, escalation triggers, sentiment. Pure.
export * from './rules';
export * from './strategies';
export * from './sentiment';
export * from './escalation';
export * from './entities';
