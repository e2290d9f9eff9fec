// `pnpm db:migrate|migration|status|check|resolve|reset`: the offline migrator (prisma/migrate.ts) run on
// the database the API uses: DATABASE_MIGRATION_URL or DATABASE_URL, else the embedded server, as its owner.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  abortActiveOperations, applyMigrations, checkDrift, createMigration, migrationStatus, MigrationError, resetDatabase,
  resolveMigration, type MigrateOptions,
} from '@opsgraph/prisma/migrate';
import { resolveDatabaseUrl } from '../db/embedded.ts';
import { grantAppAccess } from '../db/roles.ts';

const USAGE = `Usage: pnpm db:<command> [--schema <file or folder>] [--migrations <dir>]   (api/src/cli/db.ts)

  deploy                      apply pending migrations (like prisma migrate deploy)
  create <name>               write migrations/<timestamp>_<name>/ from prisma/schema/ (needs CREATEDB)
  status                      list applied, pending and failed migrations (exit 1 unless up to date)
  check                       exit 1 and print the SQL difference when prisma/schema/ and the
                              migrations disagree (needs CREATEDB)
  resolve --rolled-back <m>   mark failed migration <m> rolled back, so deploy retries it
  resolve --applied <m>       mark migration <m> applied without running it
  reset                       drop the public and graphile_worker schemas and re-apply
                              (refused when NODE_ENV=production)

Runs as the schema's owner: DATABASE_MIGRATION_URL when set, else DATABASE_URL, otherwise the embedded
Postgres with data in DATA_DIR/postgres (default .data, relative to the repository) on port
EMBEDDED_PG_PORT (default 54329). After deploy and reset, the role of DATABASE_URL (the embedded server's
app role) gets its privileges on the new tables.`;

/** Set on SIGINT/SIGTERM: the signal handler owns shutdown and the exit code from then on. */
let interrupted = false;

interface CliArgs {
  command: string;
  positional: string[];
  flags: Map<string, string>;
}

function parseArgs(argv: string[]): CliArgs | string {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const value = rest[++i];
    if (!['--schema', '--migrations', '--rolled-back', '--applied'].includes(arg) || value === undefined) {
      return `unknown option or missing value: ${arg}`;
    }
    flags.set(arg, value);
  }
  if (!['deploy', 'create', 'status', 'check', 'resolve', 'reset'].includes(command)) {
    return command ? `unknown command: ${command}` : 'no command';
  }
  if (command === 'create' && positional.length !== 1) return 'create needs exactly one <name>';
  if (command === 'resolve' && flags.has('--rolled-back') === flags.has('--applied')) {
    return 'resolve needs either --rolled-back <migration> or --applied <migration>';
  }
  return { command, positional, flags };
}

async function runCli(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n\n${USAGE}`);
    return 2;
  }
  const { command, positional, flags } = args;
  if (command === 'reset' && process.env.NODE_ENV === 'production') {
    console.error('error: refusing to reset with NODE_ENV=production');
    return 1;
  }
  const log = (msg: string) => console.error(msg);
  const opts: MigrateOptions = {
    log,
    ...(flags.has('--schema') ? { schemaPath: path.resolve(flags.get('--schema')!) } : {}),
    ...(flags.has('--migrations') ? { migrationsDir: path.resolve(flags.get('--migrations')!) } : {}),
  };

  const cliLog = { info: log, warn: (msg: string) => log(`warning: ${msg}`) };
  const database = await resolveDatabaseUrl(
    {
      DATABASE_URL: process.env.DATABASE_URL || undefined,
      DATABASE_MIGRATION_URL: process.env.DATABASE_MIGRATION_URL || undefined,
      DATA_DIR: process.env.DATA_DIR || '.data',
      EMBEDDED_PG_PORT: Number(process.env.EMBEDDED_PG_PORT || 54329),
    },
    cliLog,
  );
  const { migrationUrl: databaseUrl, stop } = database;
  const grant = () => grantAppAccess(database, cliLog, { production: process.env.NODE_ENV === 'production' });

  // Ctrl-C: drop shadow databases and close connections, stop the embedded server, then exit.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping`);
    const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    void Promise.race([abortActiveOperations(), deadline])
      .then(() => stop())
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    switch (command) {
      case 'deploy': {
        const { applied } = await applyMigrations(databaseUrl, opts);
        await grant();
        console.log(applied.length ? `Applied ${applied.length} migration(s).` : 'Database is up to date.');
        return 0;
      }
      case 'create': {
        const folder = await createMigration(positional[0]!, databaseUrl, opts);
        console.log(folder ? `Created ${folder}` : 'No changes: the schema matches the migrations.');
        return 0;
      }
      case 'status': {
        const { applied, pending, failed } = await migrationStatus(databaseUrl, opts);
        const list = (title: string, names: string[]) =>
          console.log(`${title} (${names.length})${names.map((m) => `\n  ${m}`).join('')}`);
        list('applied', applied);
        list('pending', pending);
        list('failed', failed);
        return pending.length || failed.length ? 1 : 0;
      }
      case 'check': {
        const { inSync, script } = await checkDrift(databaseUrl, opts);
        if (inSync) {
          console.log('In sync: the schema matches the migrations.');
          return 0;
        }
        console.log(`Out of sync: the migrations need this SQL to match the schema:\n\n${script}`);
        return 1;
      }
      case 'resolve': {
        const rolledBack = flags.get('--rolled-back');
        await resolveMigration(databaseUrl, rolledBack ? { rolledBack } : { applied: flags.get('--applied')! }, opts);
        return 0;
      }
      default: {
        const { applied } = await resetDatabase(databaseUrl, opts);
        await grant();
        console.log(`Reset; applied ${applied.length} migration(s).`);
        return 0;
      }
    }
  } finally {
    if (!interrupted) await stop();
  }
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(path.resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  runCli(process.argv.slice(2)).then(
    // Explicit exit: keeps the exit code, and nothing can hold the process open.
    (code) => {
      if (!interrupted) process.exit(code);
    },
    (error: unknown) => {
      if (interrupted) return;
      console.error(error instanceof MigrationError ? `error: ${error.message}` : error);
      process.exit(1);
    },
  );
}
