import type { TaskList } from 'graphile-worker';
import * as jobs from '../modules/jobs/tasks.ts';
import * as tenants from '../modules/tenants/tasks.ts';
import type { TaskDeps } from './deps.ts';
import { toGraphileTask, type TaskDefinition } from './task.ts';

/**
 * Every module that has jobs, listed explicitly. A module's `tasks.ts` exports `tasks: TaskDefinition[]`
 * and, if it has recurring work, `crontab: string` in graphile-worker's crontab syntax.
 */
interface TaskModule {
  tasks: TaskDefinition[];
  crontab?: string;
}

const modules: TaskModule[] = [jobs, tenants];

export function collectTaskDefinitions(): TaskDefinition[] {
  return modules.flatMap((m) => m.tasks);
}

export function collectCrontab(): string {
  return modules
    .map((m) => m.crontab?.trim())
    .filter((c): c is string => !!c)
    .join('\n');
}

/** graphile-worker's task list for `definitions`; a name defined twice is a programming error. */
export function buildTaskList(deps: TaskDeps, definitions: TaskDefinition[]): TaskList {
  const list: TaskList = {};
  for (const definition of definitions) {
    if (list[definition.name]) throw new Error(`Task "${definition.name}" is defined more than once`);
    list[definition.name] = toGraphileTask(definition, deps);
  }
  return list;
}
