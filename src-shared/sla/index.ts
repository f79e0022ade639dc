// SLA: business-hours arithmetic, policies and clocks shared by server and desktop (docs/sla.md).
export * from './calendar';
export * from './policy';
export * from './clock';
export * from './transitions';
export * from './time-source';
export * from './event';
