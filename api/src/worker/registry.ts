import type { TaskList } from 'graphile-worker';
import type { App } from '../app.ts';
import type { Logger } from '../lib/logger.ts';
import { modules } from '../modules/index.ts';
import { toGraphileTask, type TaskDefinition } from './task.ts';

/** Every module's tasks, from the module list. */
export function collectTaskDefinitions(): TaskDefinition[] {
  return modules.flatMap((m) => m.tasks ?? []);
}

/** Every module's recurring work, in graphile-worker's crontab syntax. */
export function collectCrontab(): string {
  return modules
    .map((m) => m.crontab?.trim())
    .filter((c): c is string => !!c)
    .join('\n');
}

/** graphile-worker's task list for `definitions`; a name defined twice is a programming error. */
export function buildTaskList(app: App, logger: Logger, definitions: TaskDefinition[]): TaskList {
  const list: TaskList = {};
  for (const definition of definitions) {
    if (list[definition.name]) throw new Error(`Task "${definition.name}" is defined more than once`);
    list[definition.name] = toGraphileTask(definition, app, logger);
  }
  return list;
}
