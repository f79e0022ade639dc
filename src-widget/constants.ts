// Values mirrored from src-shared so the widget bundle stays free of zod (its schemas would triple the
// size); tests/unit/widget-protocol.test.ts checks they still match the shared originals.
export const WIDGET_PATH = '/ws/widget';
export const MAX_TEXT_CHARS = 10_000;

export const visitorKey = (channelId: string) => `threadline:visitor:${channelId}`;
export const outboxKey = (channelId: string) => `threadline:outbox:${channelId}`;
