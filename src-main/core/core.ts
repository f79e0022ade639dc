// Alias of ./index for callers that import '../core/core' (the Electron shell).
export * from './index';
