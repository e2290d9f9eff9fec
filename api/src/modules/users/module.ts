import { defineModule } from '../manifest.ts';

/** Tenant users: the people of each tenant, as the tenant app reports them. */
export default defineModule({ name: 'users' });
