// `pnpm admin:create --email <address> --name <name> [--role OWNER]`: creates an admin through the admins
// service, validated and audited as the platform (`cli`), on the database the other commands use
// (DATABASE_URL, or the embedded server). This is how a production install gets its first owner. The
// password is typed at a prompt that does not echo it, or read from standard input when that is not a
// terminal; never from the command line, which shell history and process listings keep.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConflictError, InputError } from '../lib/errors.ts';
import { ADMIN_ROLES } from '../permissions.ts';

const USAGE = `Usage: pnpm admin:create --email <address> --name <name> [--role ${ADMIN_ROLES.join('|')}]

Creates an admin (role OWNER unless --role says otherwise). The password is asked for at a prompt that
does not show it, or read from the first line of standard input when that is not a terminal:

  pnpm admin:create --email ada@example.com --name "Ada Lovelace"
  printf '%s\\n' "$PASSWORD" | pnpm admin:create --email ada@example.com --name "Ada Lovelace"`;

/** A failure to report in one sentence, with the exit code that goes with it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const PASSWORD_FLAGS = /^(--password|--pass|--pw|-p)(=|$)/;

export function parseCommandLine(argv: string[]): { email: string; name: string; role: string } {
  if (argv.some((arg) => PASSWORD_FLAGS.test(arg))) {
    throw new CliError(
      'Refusing a password on the command line: shell history and process listings would keep it. ' +
        'Type it at the prompt, or pipe it on standard input.',
      2,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'OWNER' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new CliError(USAGE, 0);
  if (positionals.length) {
    throw new CliError(`Unexpected argument${positionals.length > 1 ? 's' : ''} (the password is never read from the command line).\n\n${USAGE}`, 2);
  }
  if (!values.email) throw new CliError(`--email is required.\n\n${USAGE}`, 2);
  return { email: values.email, name: values.name ?? '', role: values.role.toUpperCase() };
}

/** Reads one line without echoing it (the terminal in raw mode). */
function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003' || (ch === '\u0004' && !value)) return finish(() => reject(new CliError('Cancelled.', 130)));
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const password = await promptHidden('Password (not shown): ');
    if ((await promptHidden('The same password again: ')) !== password) throw new CliError('The two passwords differ; nothing was created.');
    return password;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!password) throw new CliError('No password on standard input (its first line is the password).');
  return password;
}

/** Field problems as the flags that caused them: `--name: required`. */
function describeInputError(error: InputError): string {
  return error.issues.map((issue) => `${issue.path.at(-1) === 'password' ? 'password' : `--${issue.path.at(-1)}`}: ${issue.message}`).join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  const password = await readPassword();
  // Loaded after the arguments are checked: reading env.ts validates the whole configuration.
  const [{ env }, { resolveDatabaseUrl }, { migrationStatus }, { createApp }, { systemScope }, { createAdmin }] = await Promise.all([
    import('../env.ts'),
    import('../db/embedded.ts'),
    import('@opsgraph/prisma/migrate'),
    import('../app.ts'),
    import('../scope.ts'),
    import('../modules/admins/service.ts'),
  ]);
  const logger = pino({ level: env.LOG_LEVEL === 'silent' ? 'silent' : 'warn' }, pino.destination({ dest: 2, sync: true }));
  const database = await resolveDatabaseUrl(env, { info: (msg) => logger.info(msg), warn: (msg) => console.error(`warning: ${msg}`) });
  try {
    const { pending, failed } = await migrationStatus(database.databaseUrl);
    if (pending.length || failed.length) {
      throw new CliError(
        `The database is not migrated (${pending.length} pending, ${failed.length} failed). ` +
          'Start the API once (it applies migrations) or run `pnpm db:migrate`, then try again.',
      );
    }
    const app = createApp({ databaseUrl: database.databaseUrl, logger, poolSize: 2 });
    try {
      const role = args.role as (typeof ADMIN_ROLES)[number];
      const admin = await createAdmin(systemScope(app, 'cli'), { email: args.email, name: args.name, role, password });
      console.log(`Created ${admin.role} ${admin.email} (${admin.name}, id ${admin.id}). Sign in to the console with this email and password.`);
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof CliError) {
        (error.exitCode === 0 ? console.log : console.error)(error.message);
        process.exit(error.exitCode);
      }
      if (error instanceof ConflictError) console.error(`An admin with this email already exists; nothing was created.`);
      else if (error instanceof InputError) console.error(`Not created:\n${describeInputError(error)}`);
      else console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
