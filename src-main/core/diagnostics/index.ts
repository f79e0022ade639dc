// Diagnostics export (pure Node): a zip of sanitised logs, versions and redacted configuration.
export * from './redact';
export * from './export';
