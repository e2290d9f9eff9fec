// Resend through its official SDK; the base URL is configurable (a local fake in tests).
import { Resend } from 'resend';
import { env } from '../../env.ts';

export type SendResult =
  | { ok: true; id: string }
  | { ok: false; transient: boolean; statusCode: number | null; message: string };

let client: { key: string; baseUrl: string; resend: Resend } | null = null;

/** A client for `key` (the `email.resendApiKey` setting), made again when the key or base URL changes. */
function resend(key: string | null): Resend {
  if (!key) throw new Error('No Resend API key: set RESEND_API_KEY or the email.resendApiKey setting (EMAIL_TRANSPORT=resend)');
  if (!client || client.key !== key || client.baseUrl !== env.RESEND_BASE_URL) {
    client = { key, baseUrl: env.RESEND_BASE_URL, resend: new Resend(key, { baseUrl: env.RESEND_BASE_URL }) };
  }
  return client.resend;
}

/** 429, 5xx and network failures (no status) are worth retrying; any other 4xx is the provider's final word. */
export function isTransient(statusCode: number | null | undefined): boolean {
  return statusCode == null || statusCode === 429 || statusCode >= 500;
}

/**
 * The tag every send carries: Resend echoes it on its webhook events, so an event that arrives before the
 * send's response was stored (the provider's message id unknown yet) still finds its email.
 */
export const EMAIL_ID_TAG = 'opsgraph_email_id';

export async function sendThroughResend(message: {
  emailId: string; from: string; to: string; subject: string; html: string; text: string; idempotencyKey: string;
}, apiKey: string | null): Promise<SendResult> {
  const { idempotencyKey, emailId, ...payload } = message;
  const { data, error } = await resend(apiKey).emails.send({ ...payload, tags: [{ name: EMAIL_ID_TAG, value: emailId }] }, { idempotencyKey });
  if (data?.id) return { ok: true, id: data.id };
  const statusCode = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const text = error ? `${error.name ? `${error.name}: ` : ''}${error.message}` : 'no message id in the response';
  return { ok: false, transient: isTransient(statusCode), statusCode, message: text };
}
