// pnpm bench:flags: feature-flag evaluation.
//
//   evaluator: BENCH_FLAGS (100) flags of three rules each (two constraints and a percentage) for
//              BENCH_USERS (1,000) users, evaluated in this process by @opsgraph/flag-evaluator and, in the
//              same rounds, by unleash-client (the anchor) on the same toggles from a local bootstrap (no
//              server: polling and metrics off, nothing is fetched). ns per flag, the median of
//              BENCH_EVAL_ROUNDS rounds of BENCH_EVAL_ROUND_MS each, the two alternating.
//
// One JSON line.
import os from 'node:os';
import { evaluateFlag } from '@opsgraph/flag-evaluator';
import { InMemStorageProvider, startUnleash } from 'unleash-client';
import { benchTenant, benchUsers, ourFlags, unleashFeatures, type BenchUser } from './flags-config.ts';
import { report } from './harness.ts';

const FLAGS = Number(process.env.BENCH_FLAGS ?? 100);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const EVAL_ROUNDS = Math.max(1, Number(process.env.BENCH_EVAL_ROUNDS ?? 7));
const EVAL_ROUND_MS = Number(process.env.BENCH_EVAL_ROUND_MS ?? 1500);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// ─── evaluator ───────────────────────────────────────────────────────────────

interface Evaluator {
  /** Every flag for every user once; returns how many evaluations were on (kept so no work is optimised away). */
  pass(): number;
}

/** Passes for `ms`; ns per flag evaluation and the share of evaluations that were on. */
function timeRound(evaluator: Evaluator, ms: number): { ns: number; on: number } {
  let evaluations = 0;
  let on = 0;
  const started = process.hrtime.bigint();
  const until = started + BigInt(ms) * 1_000_000n;
  let now = started;
  while (now < until) {
    on += evaluator.pass();
    evaluations += FLAGS * USERS;
    now = process.hrtime.bigint();
  }
  return { ns: Number(now - started) / evaluations, on: on / evaluations };
}

async function compareEvaluators() {
  const users: BenchUser[] = benchUsers(USERS);
  const flags = ourFlags(FLAGS);
  const ours: Evaluator = {
    pass() {
      let on = 0;
      for (let u = 0; u < users.length; u += 1) {
        const context = users[u]!.ours;
        for (let f = 0; f < flags.length; f += 1) if (evaluateFlag(flags[f]!, benchTenant, context).value === true) on += 1;
      }
      return on;
    },
  };
  const unleash = await startUnleash({
    appName: 'opsgraph-bench',
    // Never contacted: polling is off (refreshInterval 0) and the toggles come from the bootstrap.
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: unleashFeatures(FLAGS) },
  });
  try {
    const names = flags.map((f) => f.key);
    if (unleash.getFeatureToggleDefinitions()?.length !== FLAGS) throw new Error('unleash-client did not load the bootstrapped toggles');
    const anchor: Evaluator = {
      pass() {
        let on = 0;
        for (let u = 0; u < users.length; u += 1) {
          const context = users[u]!.unleash;
          for (let f = 0; f < names.length; f += 1) if (unleash.isEnabled(names[f]!, context)) on += 1;
        }
        return on;
      },
    };
    // Warm-up: both reach their optimised code before anything is measured.
    timeRound(ours, 1000);
    timeRound(anchor, 1000);
    const runs = { ours: [] as number[], unleash: [] as number[] };
    const shares = { ours: 0, unleash: 0 };
    for (let r = 0; r < EVAL_ROUNDS; r += 1) {
      const order = r % 2 === 0 ? (['ours', 'unleash'] as const) : (['unleash', 'ours'] as const);
      for (const name of order) {
        const { ns, on } = timeRound(name === 'ours' ? ours : anchor, EVAL_ROUND_MS);
        runs[name].push(ns);
        shares[name] = on;
      }
    }
    return {
      flags: FLAGS,
      rules_per_flag: 3,
      users: USERS,
      rounds: EVAL_ROUNDS,
      ns_per_flag: round(median(runs.ours)),
      runs_ns_per_flag: runs.ours.map((ns) => round(ns)),
      // The two hash into different bucket ranges (10,000 against 100), so equal shares, not equal answers.
      on_share: round(shares.ours, 4),
      anchor: {
        name: 'unleash-client',
        version: (await import('unleash-client/package.json', { with: { type: 'json' } })).default.version,
        ns_per_flag: round(median(runs.unleash)),
        runs_ns_per_flag: runs.unleash.map((ns) => round(ns)),
        on_share: round(shares.unleash, 4),
      },
    };
  } finally {
    unleash.destroy();
  }
}

// ─── run ─────────────────────────────────────────────────────────────────────

const loadBefore = os.loadavg()[0]!;
const evaluator = await compareEvaluators();
report({
  bench: 'flags',
  evaluator,
  ratios: { ns_vs_anchor: round(evaluator.ns_per_flag / evaluator.anchor.ns_per_flag, 3) },
  load_1m: [round(loadBefore, 2), round(os.loadavg()[0]!, 2)],
});
