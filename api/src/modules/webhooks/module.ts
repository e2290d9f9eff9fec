import { defineModule } from '../manifest.ts';

/** Inbound webhooks: verified, stored before acknowledged, processed and retried by jobs, replayable. */
export default defineModule({ name: 'webhooks' });
