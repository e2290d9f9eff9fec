import type { Flag } from '../../generated/prisma/client.ts';
import { defineList, filters, searchAny } from '../../lib/list.ts';

/** Tags as a filter: comma-separated, any of them. */
export const tagList = (tags: string | undefined) =>
  tags
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);

export const flagsList = defineList({
  // The tenant graph's `flags` is the calling tenant's evaluated flags; one schema cannot hold both names.
  name: 'featureFlags',
  model: 'Flag',
  description: 'Feature flags, by key unless sorted otherwise.',
  filterType: 'FlagFilter',
  sortType: 'FlagSort',
  filter: {
    search: filters.text({ description: 'Part of the key, description or owner.' }),
    tags: filters.text({ max: 1000, description: 'Comma-separated tags: flags with any of them.' }),
    type: filters.enumList('FlagType'),
    enabled: filters.boolean(),
    stale: filters.boolean('Stale (true): not evaluated in its staleAfterDays (and older than that); false: the others.'),
  },
  where: (f) => {
    const tags = tagList(f.tags);
    const now = new Date();
    return {
      type: f.type?.length ? { in: f.type } : undefined,
      enabled: f.enabled,
      tags: tags?.length ? { hasSome: tags } : undefined,
      staleAt: f.stale === undefined ? undefined : f.stale ? { lte: now } : { gt: now },
      OR: searchAny(['key', 'description', 'owner'], f.search),
    };
  },
  sorts: {
    KEY_ASC: [{ key: 'asc' }, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    UPDATED_AT_DESC: [{ updatedAt: 'desc' }, { id: 'desc' }],
    LAST_EVALUATED_AT_DESC: [{ lastEvaluatedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
  },
  defaultSort: 'KEY_ASC',
  csv: {
    name: 'flags',
    columns: [
      'id', 'key', 'type', 'description', 'enabled', 'owner', 'tags', 'variants', 'defaultValue', 'onValue', 'rolloutPercentage', 'rolloutStickiness',
      'entitlement', 'rules', 'staleAfterDays', 'stale', 'lastEvaluatedAt', 'createdAt', 'updatedAt',
    ],
    row: ({ tags, variants, defaultValue, onValue, rules, rolloutBasisPoints, staleAt, ...flag }: Flag) => ({
      ...flag,
      tags: tags.join(','),
      variants: variants.join(','),
      defaultValue: JSON.stringify(defaultValue),
      onValue: JSON.stringify(onValue),
      rules: (rules as unknown[]).length,
      rolloutPercentage: rolloutBasisPoints === null ? '' : rolloutBasisPoints / 100,
      stale: staleAt <= new Date(),
    }),
  },
});
