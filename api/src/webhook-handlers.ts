// Who acts on which inbound provider event, declared by the modules that act (their manifest's
// `webhookHandlers`). The webhooks module verifies, stores and retries events and asks here whom to call.
import type { InboundWebhookEvent, WebhookHandler } from './modules/manifest.ts';

const handlers: { owner: string; handler: WebhookHandler }[] = [];

function matches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

/** Called once per module by the module list; two handlers for the same type is a programming error. */
export function registerWebhookHandlers(owner: string, list: readonly WebhookHandler[]): void {
  for (const handler of list) {
    for (const pattern of handler.types) {
      const clash = handlers.find((h) => h.handler.provider === handler.provider && h.handler.types.some((p) => p === pattern));
      if (clash) throw new Error(`Webhook type ${handler.provider} ${pattern} is handled by ${clash.owner} and ${owner}`);
    }
    handlers.push({ owner, handler });
  }
}

/** The handler of an event's type, the most specific pattern first; undefined when nobody acts on it. */
export function webhookHandlerFor(provider: InboundWebhookEvent['provider'], type: string): WebhookHandler | undefined {
  let best: { handler: WebhookHandler; length: number } | undefined;
  for (const { handler } of handlers) {
    if (handler.provider !== provider) continue;
    for (const pattern of handler.types) {
      if (!matches(pattern, type)) continue;
      const length = pattern.endsWith('*') ? pattern.length - 1 : Number.MAX_SAFE_INTEGER;
      if (!best || length > best.length) best = { handler, length };
    }
  }
  return best?.handler;
}
