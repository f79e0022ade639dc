// Managed configuration and update policy (pure Node; the shell applies the results).
export * from './schema';
export * from './paths';
export * from './merge';
export * from './loader';
export * from './update-policy';
export * from './install-id';
export * from './proxy';
