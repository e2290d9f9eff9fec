// The backtest: a draft rule replayed over past data with the evaluation's own code (`measure`, then
// `decide` per label set), one evaluation per evaluation interval, the alert state kept in memory.
import { InputError, parseInput } from '../../lib/errors.ts';
import type { PlatformScope } from '../../scope.ts';
import { condition, decide, measure, type Measurement, type OpenAlert } from './evaluate.ts';
import { ruleFields, type AlertRuleInput, type EvaluableRule } from './rules.ts';
import { evaluationIntervalSecs } from './tasks.ts';

export const MAX_PREVIEW_EVALUATIONS = 5000;
/** Episodes returned (all of them are counted). */
export const MAX_PREVIEW_EPISODES = 500;
/** Evaluations measured at once. */
const PARALLEL = 4;

export interface PreviewEpisode {
  labels: Record<string, string>;
  tenantId: string | null;
  pendingAt: Date;
  firedAt: Date | null;
  resolvedAt: Date | null;
}

export interface AlertRulePreview {
  firings: number;
  evaluations: number;
  /** Seconds between evaluations. */
  stepSeconds: number;
  episodes: PreviewEpisode[];
}

/** The instants a rule is evaluated at over [from, to], one evaluation interval apart. */
export function evaluationInstants(from: Date, to: Date, stepSeconds: number): Date[] {
  const instants: Date[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += stepSeconds * 1000) instants.push(new Date(t));
  return instants;
}

/** Replays `rule` at each instant, in order, the way evaluation would have moved its alerts. */
export async function replay(scope: PlatformScope, rule: EvaluableRule, instants: Date[]): Promise<PreviewEpisode[]> {
  const measured: Measurement[][] = new Array(instants.length);
  for (let i = 0; i < instants.length; i += PARALLEL) {
    const batch = instants.slice(i, i + PARALLEL);
    const results = await Promise.all(batch.map((at) => measure(scope.db, rule, at)));
    results.forEach((r, j) => (measured[i + j] = r));
  }
  const episodes: PreviewEpisode[] = [];
  const open = new Map<string, { alert: OpenAlert; episode: PreviewEpisode }>();
  instants.forEach((at, i) => {
    const targets = new Map(measured[i]!.map((m) => [m.key, m]));
    for (const [key, { episode }] of open) {
      if (!targets.has(key)) targets.set(key, { key, labels: episode.labels, tenantId: episode.tenantId, value: null });
    }
    for (const m of targets.values()) {
      const current = open.get(m.key);
      const decision = decide(rule, current?.alert ?? null, condition(rule, m.value), at);
      let entry = current;
      if (decision.open) {
        const episode: PreviewEpisode = { labels: m.labels, tenantId: m.tenantId, pendingAt: at, firedAt: null, resolvedAt: null };
        entry = { alert: { state: 'PENDING', startedAt: at, lastTrueAt: at }, episode };
        episodes.push(episode);
        open.set(m.key, entry);
      }
      if (!entry) continue;
      if (decision.conditionTrue) entry.alert.lastTrueAt = at;
      if (decision.fire) {
        entry.alert.state = 'FIRING';
        entry.episode.firedAt = at;
      }
      if (decision.resolve) {
        entry.episode.resolvedAt = at;
        open.delete(m.key);
      }
    }
  });
  return episodes;
}

/**
 * How often, and when, a draft rule would have fired over [from, to]. Bounded: at most
 * MAX_PREVIEW_EVALUATIONS evaluations (the range over the evaluation interval).
 */
export async function previewAlertRule(scope: PlatformScope, input: Partial<AlertRuleInput>, from: Date, to: Date): Promise<AlertRulePreview> {
  const rule = parseInput(ruleFields, { name: 'preview', ...input });
  if (Number.isNaN(from.getTime())) throw InputError.field('from', 'not a valid date and time');
  if (Number.isNaN(to.getTime())) throw InputError.field('to', 'not a valid date and time');
  if (from >= to) throw InputError.field('from', 'must be before `to`');
  if (to.getTime() > Date.now() + 60_000) throw InputError.field('to', 'must not be in the future');
  const stepSeconds = await evaluationIntervalSecs(scope);
  const evaluations = Math.floor((to.getTime() - from.getTime()) / (stepSeconds * 1000)) + 1;
  if (evaluations > MAX_PREVIEW_EVALUATIONS) {
    throw InputError.field('to', `at most ${MAX_PREVIEW_EVALUATIONS} evaluations (${stepSeconds} s apart): the range needs ${evaluations}; shorten it`);
  }
  const episodes = await replay(scope, rule, evaluationInstants(from, to, stepSeconds));
  return {
    firings: episodes.filter((e) => e.firedAt).length,
    evaluations,
    stepSeconds,
    episodes: episodes.slice(0, MAX_PREVIEW_EPISODES),
  };
}
