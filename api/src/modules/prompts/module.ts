import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { promptsList } from './lists.ts';
import { seedPrompts } from './seed.ts';
import { promptUsageFlusher } from './usage.ts';

const permissions = {
  PROMPTS_WRITE: { description: 'Create prompts and versions, switch them on and off, and move their labels.', roles: ['OWNER', 'ADMIN'] },
} as const satisfies PermissionSpecs;

/**
 * Prompts, versions and global labels are a shared catalogue a tenant key reads to render; a tenant's own
 * labels are its own rows (another tenant's do not exist for it). Usage is written by the platform only.
 */
const tenantModels = {
  Prompt: { access: 'read' },
  PromptVersion: { access: 'read' },
  PromptLabel: { access: 'read' },
  PromptTenantLabel: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A prompt was created or changed, got a version, or one of its labels moved (global, or a tenant's). */
    promptChanged: {
      promptId: string;
      kind: 'created' | 'updated' | 'activated' | 'deactivated' | 'versionCreated' | 'labelMoved' | 'labelRemoved';
      label?: string;
      tenantId?: string | null;
    };
  }
}

/** Prompt library: prompts with immutable versions, labels that move atomically, rendering, usage per day. */
export default defineModule({
  name: 'prompts',
  graphql: async () => {
    await import('./schema.ts');
    await import('./tenant-schema.ts');
  },
  lists: [promptsList],
  tenantModels,
  permissions,
  auditActions: {
    'prompt.create': 'Prompt',
    'prompt.update': 'Prompt',
    'prompt.setActive': 'Prompt',
    'promptVersion.create': 'Prompt',
    'promptLabel.move': 'Prompt',
    'promptLabel.remove': 'Prompt',
  },
  requestObserver: promptUsageFlusher,
  seed: seedPrompts,
});
