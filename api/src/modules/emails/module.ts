import { defineModule } from '../manifest.ts';

/** Email: templates with versions, sending through a transport, delivery tracking, monthly quota. */
export default defineModule({ name: 'emails' });
