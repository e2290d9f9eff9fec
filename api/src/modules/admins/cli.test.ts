import { describe, expect, it } from 'vitest';
import { CliError, parseCommandLine } from './cli.ts';

function refusal(argv: string[]): CliError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('admin:create arguments', () => {
  it('takes an email, a name and a role that defaults to OWNER', () => {
    expect(parseCommandLine(['--email', 'a@b.c', '--name', 'Ann'])).toEqual({ email: 'a@b.c', name: 'Ann', role: 'OWNER' });
    expect(parseCommandLine(['--email=a@b.c', '--role', 'viewer'])).toEqual({ email: 'a@b.c', name: '', role: 'VIEWER' });
  });

  it('never takes a password from the command line, in any spelling', () => {
    for (const argv of [['--password', 'secret'], ['--password=secret'], ['-p', 'secret'], ['--pass', 'x'], ['--pw=x']]) {
      const error = refusal(['--email', 'a@b.c', ...argv]);
      expect(error.exitCode, argv.join(' ')).toBe(2);
      expect(error.message).toMatch(/^Refusing a password on the command line/);
    }
    expect(refusal(['--email', 'a@b.c', 'secret']).message).toMatch(/never read from the command line/);
  });

  it('explains itself when the email is missing or an option is unknown', () => {
    expect(refusal([]).message).toMatch(/^--email is required\.\n\nUsage: pnpm admin:create/);
    expect(refusal(['--email', 'a@b.c', '--colour', 'red']).message).toMatch(/--colour/);
    expect(refusal(['--help'])).toMatchObject({ exitCode: 0 });
  });
});
