import { defineList, filters, searchAny } from '../../lib/list.ts';

export const promptsList = defineList({
  name: 'prompts',
  model: 'Prompt',
  description: 'The prompt library, by category and key unless sorted otherwise.',
  filterType: 'PromptFilter',
  sortType: 'PromptSort',
  filter: {
    search: filters.text({ description: 'Part of the key, name or description.' }),
    category: filters.text({ max: 50, description: 'Exact category.' }),
    tag: filters.text({ max: 50, description: 'Prompts carrying this tag.' }),
    active: filters.boolean(),
  },
  where: (f) => ({
    category: f.category?.toLowerCase(),
    tags: f.tag ? { has: f.tag.toLowerCase() } : undefined,
    active: f.active,
    OR: searchAny(['key', 'name', 'description'], f.search),
  }),
  sorts: {
    CATEGORY_ASC: [{ category: 'asc' }, { key: 'asc' }, { id: 'asc' }],
    KEY_ASC: [{ key: 'asc' }, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    UPDATED_AT_DESC: [{ updatedAt: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'CATEGORY_ASC',
  csv: {
    name: 'prompts',
    columns: ['id', 'key', 'name', 'category', 'tags', 'active', 'latestVersion', 'productionVersion', 'description', 'createdAt', 'updatedAt'],
    query: { include: { labels: { where: { name: 'production' }, select: { version: { select: { number: true } } } } } },
    row: ({ labels, ...prompt }: { labels: { version: { number: number } }[] } & Record<string, unknown>) => ({
      ...prompt, productionVersion: labels[0]?.version.number ?? null,
    }),
  },
});
