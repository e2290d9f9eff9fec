import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTargetOf } from '../../audit-actions.ts';
import { adminSchema } from '../../graphql/schema.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { createFlag, scheduleFlagChange, setFlagTenantOverride, setFlagUserOverride } from '../flags/service.ts';

let p: TestPlatform;
let owner: { token: string; userId: string; email: string };

beforeAll(async () => {
  p = await startPlatform();
  owner = await p.login('OWNER');
});
afterAll(() => p.close());

async function emailTemplate(key: string) {
  const { createTemplate } = await import('../emails/service.ts');
  return (await p.app.prisma.emailTemplate.findUnique({ where: { key } })) ?? createTemplate(p.system, { key, name: key, subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' });
}

/** An email of a new template, FAILED. */
async function failedEmail(key: string): Promise<string> {
  const { sendEmail } = await import('../emails/service.ts');
  await emailTemplate(key);
  const email = await sendEmail(p.system, { template: key, to: 'cov@example.com' });
  await p.app.prisma.email.update({ where: { id: email.id }, data: { status: 'FAILED', error: 'coverage' } });
  return email.id;
}

let tickets = 0;
/** A new ticket of the coverage tenant, in `status` (set directly: each scenario starts where its mutation may). */
async function ticketIn(t: { tenantId: string }, status: 'NEW' | 'OPEN' | 'RESOLVED' = 'NEW') {
  tickets += 1;
  const requester = await p.app.prisma.user.upsert({
    where: { tenantId_externalId: { tenantId: t.tenantId, externalId: 'cov-requester' } },
    create: { tenantId: t.tenantId, externalId: 'cov-requester', email: 'cov-req@example.com' },
    update: {},
  });
  return p.app.prisma.ticket.create({
    data: { tenantId: t.tenantId, requesterId: requester.id, subject: `Coverage ${tickets}`, description: 'd', source: 'ADMIN', status, tags: ['cov-bulk'] },
  });
}

/** An EMAIL alert channel named `name`, made through the service. */
async function alertChannel(name: string) {
  const { createAlertChannel } = await import('../alerts/channels.ts');
  return (await createAlertChannel(p.system, { name, kind: 'EMAIL', emailTo: ['cov@example.com'] })).channel;
}

let webhookEvents = 0;
/** A stored provider event in `status`, for the webhook mutations' scenarios. */
function webhookEvent(status: 'FAILED' | 'DEAD' | 'PROCESSED') {
  webhookEvents += 1;
  return p.app.prisma.webhookEvent.create({
    data: { provider: 'STRIPE', externalId: `evt_audit_${webhookEvents}`, type: 'audit.coverage', payload: {}, status, attempts: 1 },
  });
}

let alertRules = 0;
/** A new alert rule (through the service), for the alert rule mutations' scenarios. */
async function alertRule() {
  const { createAlertRule } = await import('../alerts/rules.ts');
  alertRules += 1;
  return createAlertRule(p.system, { name: `Coverage rule ${alertRules}`, metric: `cov_metric_${alertRules}`, operator: 'GT', threshold: 1 });
}

/** A FIRING alert of a new rule: one point over the threshold, evaluated at once. */
async function firingAlert() {
  const { evaluateRule } = await import('../alerts/service.ts');
  const rule = await alertRule();
  const series = await p.app.prisma.metricSeries.create({ data: { name: rule.metric!, key: `${rule.metric}{}`, labels: {} } });
  const at = new Date();
  await p.app.prisma.metricPoint.create({ data: { seriesId: series.id, at: new Date(at.getTime() - 1000), value: 5 } });
  await evaluateRule(p.system, rule.id, at);
  return p.app.prisma.alert.findFirstOrThrow({ where: { ruleId: rule.id, state: 'FIRING' } });
}

/** One real call per admin mutation; the coverage test fails for a mutation missing here. */
let flags = 0;
/** A BOOLEAN flag made through the service, with an override for the tenant and its user `cov-user`. */
async function flag(t: { tenantId: string }) {
  const created = await createFlag(p.system, { key: `cov-flag-${(flags += 1)}`, type: 'BOOLEAN' });
  await setFlagTenantOverride(p.system, created.id, t.tenantId, true);
  await setFlagUserOverride(p.system, created.id, t.tenantId, 'cov-user', true);
  return created;
}

const scenarios: Record<string, (ctx: { token: string; t: { tenantId: string; planId: string } }) => Promise<unknown>> = {
  login: async () => p.login('VIEWER'),
  logout: async () => p.gql('mutation { logout }', {}, (await p.login('VIEWER')).token),
  createAdmin: ({ token }) => p.gql(`mutation { createAdmin(input: { email: "cov@test.example", name: "Cov", role: VIEWER, password: "coverage-password" }) { __typename } }`, {}, token),
  changeAdminRole: async ({ token }) => p.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: SUPPORT) { __typename } }`, { id: (await p.login('VIEWER')).userId }, token),
  deactivateAdmin: async ({ token }) => p.gql(`mutation($id: ID!) { deactivateAdmin(id: $id) { __typename } }`, { id: (await p.login('VIEWER')).userId }, token),
  reactivateAdmin: async ({ token }) => {
    const { userId } = await p.login('VIEWER');
    await p.app.prisma.adminUser.update({ where: { id: userId }, data: { active: false } });
    return p.gql(`mutation($id: ID!) { reactivateAdmin(id: $id) { __typename } }`, { id: userId }, token);
  },
  revokeAdminSession: async ({ token }) => {
    const { userId } = await p.login('VIEWER');
    const session = await p.app.prisma.adminSession.findFirstOrThrow({ where: { adminUserId: userId } });
    return p.gql(`mutation($id: ID!) { revokeAdminSession(id: $id) { __typename } }`, { id: session.id }, token);
  },
  createTenantApiKey: ({ token, t }) => p.gql(`mutation($id: ID!) { createTenantApiKey(input: { tenantId: $id, name: "k" }) { __typename } }`, { id: t.tenantId }, token),
  revokeTenantApiKey: async ({ token, t }) => {
    const key = await p.app.prisma.tenantApiKey.findFirstOrThrow({ where: { tenantId: t.tenantId } });
    return p.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: key.id }, token);
  },
  createPlan: ({ token }) => p.gql(`mutation { createPlan(input: { code: "cov", name: "Cov", currency: "EUR", monthlyPrice: 100, yearlyPrice: 1000, trialDays: 0, emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: [] }) { __typename } }`, {}, token),
  updatePlan: ({ token, t }) => p.gql(`mutation($id: ID!) { updatePlan(id: $id, input: { name: "Renamed" }) { __typename } }`, { id: t.planId }, token),
  archivePlan: async ({ token }) => p.gql(`mutation($id: ID!) { archivePlan(id: $id) { __typename } }`, { id: (await p.makeTenant()).planId }, token),
  unarchivePlan: async ({ token }) => {
    const { planId } = await p.makeTenant();
    await p.app.prisma.plan.update({ where: { id: planId }, data: { status: 'ARCHIVED' } });
    return p.gql(`mutation($id: ID!) { unarchivePlan(id: $id) { __typename } }`, { id: planId }, token);
  },
  deletePlan: async ({ token }) => {
    const plan = await p.app.prisma.plan.create({ data: { code: 'gone', name: 'Gone', currency: 'USD', monthlyPrice: 0, yearlyPrice: 0, emailsPerMonth: 0, smsPerMonth: 0, seats: 1, apiCallsPerMonth: 0, entitlements: [] } });
    return p.gql(`mutation($id: ID!) { deletePlan(id: $id) { __typename } }`, { id: plan.id }, token);
  },
  createTenant: ({ token, t }) => p.gql(`mutation($plan: ID!) { createTenant(input: { name: "Cov Co", planId: $plan, ownerName: "O", ownerEmail: "o@cov.example" }) { __typename ... on Error { message } } }`, { plan: t.planId }, token),
  updateTenant: ({ token, t }) => p.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { ownerName: "New Owner" }) { __typename } }`, { id: t.tenantId }, token),
  changeTenantPlan: async ({ token, t }) => {
    const other = await p.makeTenant();
    return p.gql(`mutation($id: ID!, $plan: ID!) { changeTenantPlan(id: $id, planId: $plan) { __typename } }`, { id: t.tenantId, plan: other.planId }, token);
  },
  // Lifecycle scenarios use fresh tenants: schema field order must not decide which transitions are valid.
  suspendTenant: async ({ token }) => p.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "coverage") { __typename } }`, { id: (await p.makeTenant()).tenantId }, token),
  activateTenant: async ({ token }) => {
    const { tenantId } = await p.makeTenant();
    await p.app.prisma.tenant.update({ where: { id: tenantId }, data: { status: 'SUSPENDED' } });
    return p.gql(`mutation($id: ID!) { activateTenant(id: $id) { __typename } }`, { id: tenantId }, token);
  },
  deleteTenant: async ({ token }) => p.gql(`mutation($id: ID!) { deleteTenant(id: $id) { __typename } }`, { id: (await p.makeTenant()).tenantId }, token),
  createEmailTemplate: ({ token }) => p.gql(`mutation { createEmailTemplate(input: { key: "cov-create", name: "Cov", subject: "Hi", html: "<p>Hi</p>", text: "Hi" }) { __typename } }`, {}, token),
  updateEmailTemplate: async ({ token }) => {
    const { createTemplate } = await import('../emails/service.ts');
    const template = await createTemplate(p.system, { key: 'cov-update', name: 'Cov', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' });
    return p.gql(`mutation($id: ID!) { updateEmailTemplate(id: $id, input: { subject: "Hello", html: "<p>Hi</p>", text: "Hi" }) { __typename } }`, { id: template.id }, token);
  },
  sendTemplateEmail: async ({ token, t }) => {
    await emailTemplate('cov-send');
    return p.gql(`mutation($tenant: ID!) { sendTemplateEmail(input: { template: "cov-send", tenantId: $tenant }) { __typename } }`, { tenant: t.tenantId }, token);
  },
  retryEmail: async ({ token }) => p.gql(`mutation($id: ID!) { retryEmail(id: $id) { __typename } }`, { id: await failedEmail('cov-retry') }, token),
  retryEmails: async ({ token }) => {
    await failedEmail('cov-bulk');
    return p.gql(`mutation { retryEmails(filter: { templateKey: "cov-bulk" }) { __typename } }`, {}, token);
  },
  blockUser: async ({ token, t }) => {
    const user = await p.app.prisma.user.create({ data: { tenantId: t.tenantId, externalId: `cov-block-${Date.now()}` } });
    return p.gql(`mutation($id: ID!) { blockUser(id: $id, reason: "coverage") { __typename } }`, { id: user.id }, token);
  },
  unblockUser: async ({ token, t }) => {
    const user = await p.app.prisma.user.create({ data: { tenantId: t.tenantId, externalId: `cov-unblock-${Date.now()}`, blockedAt: new Date(), blockedReason: 'coverage' } });
    return p.gql(`mutation($id: ID!) { unblockUser(id: $id) { __typename } }`, { id: user.id }, token);
  },
  createTicket: ({ token, t }) => p.gql(`mutation($id: ID!) { createTicket(input: { tenantId: $id, requester: { name: "Cov", email: "cov@t.example" }, subject: "S", description: "D" }) { __typename } }`, { id: t.tenantId }, token),
  updateTicket: async ({ token, t }) => p.gql(`mutation($id: ID!) { updateTicket(id: $id, input: { priority: HIGH }) { __typename } }`, { id: (await ticketIn(t)).id }, token),
  assignTicket: async ({ token, t }) => {
    const { userId } = await p.login('SUPPORT');
    return p.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { __typename } }`, { id: (await ticketIn(t)).id, a: userId }, token);
  },
  commentOnTicket: async ({ token, t }) => p.gql(`mutation($id: ID!) { commentOnTicket(id: $id, input: { body: "Hi", internal: true }) { __typename } }`, { id: (await ticketIn(t)).id }, token),
  setTicketStatus: async ({ token, t }) => p.gql(`mutation($id: ID!) { setTicketStatus(id: $id, status: PENDING) { __typename } }`, { id: (await ticketIn(t, 'OPEN')).id }, token),
  resolveTicket: async ({ token, t }) => p.gql(`mutation($id: ID!) { resolveTicket(id: $id) { __typename } }`, { id: (await ticketIn(t, 'OPEN')).id }, token),
  closeTicket: async ({ token, t }) => p.gql(`mutation($id: ID!) { closeTicket(id: $id) { __typename } }`, { id: (await ticketIn(t, 'RESOLVED')).id }, token),
  reopenTicket: async ({ token, t }) => p.gql(`mutation($id: ID!) { reopenTicket(id: $id) { __typename } }`, { id: (await ticketIn(t, 'RESOLVED')).id }, token),
  bulkUpdateTickets: async ({ token, t }) => {
    const ticket = await ticketIn(t);
    return p.gql(`mutation($ids: [ID!]) { bulkUpdateTickets(selection: { ids: $ids }, changes: { addTag: "cov-tagged" }) { __typename } }`, { ids: [ticket.id] }, token);
  },
  // Webhooks: events stored directly in the state each mutation starts from.
  retryWebhookEvent: async ({ token }) => p.gql(`mutation($id: ID!) { retryWebhookEvent(id: $id) { __typename } }`, { id: (await webhookEvent('FAILED')).id }, token),
  replayWebhookEvent: async ({ token }) => p.gql(`mutation($id: ID!) { replayWebhookEvent(id: $id) { __typename } }`, { id: (await webhookEvent('PROCESSED')).id }, token),
  retryWebhookEvents: async ({ token }) => {
    await webhookEvent('DEAD');
    return p.gql(`mutation { retryWebhookEvents(filter: { status: [DEAD] }) { __typename } }`, {}, token);
  },
  setWebhookSecret: ({ token }) => p.gql(`mutation { setWebhookSecret(provider: STRIPE, secret: "whsec_coverage_secret_123") { __typename } }`, {}, token),
  updateTicketSettings: ({ token }) => p.gql(`mutation { updateTicketSettings(input: { attachmentMaxBytes: 5000000 }) { __typename } }`, {}, token),
  updateAgentProfile: async ({ token }) => p.gql(`mutation($id: ID!) { updateAgentProfile(adminId: $id, available: true, capacity: 5) { __typename } }`, { id: (await p.login('SUPPORT')).userId }, token),
  clearWebhookSecret: async ({ token }) => {
    await p.gql(`mutation { setWebhookSecret(provider: RESEND, secret: "whsec_Y292ZXJhZ2Ugc2VjcmV0") { __typename } }`, {}, token);
    return p.gql(`mutation { clearWebhookSecret(provider: RESEND) { __typename } }`, {}, token);
  },
  createSlaCalendar: ({ token }) => p.gql(`mutation { createSlaCalendar(input: { name: "Cov hours", timeZone: "UTC", weeklyHours: [{ day: 1, start: "09:00", end: "17:00" }] }) { __typename } }`, {}, token),
  updateSlaCalendar: async ({ token }) => {
    const { createSlaCalendar } = await import('../tickets/sla-service.ts');
    const calendar = await createSlaCalendar(p.system, { name: 'Cov update', timeZone: 'UTC', weeklyHours: [{ day: 1, start: '09:00', end: '17:00' }] });
    return p.gql(`mutation($id: ID!) { updateSlaCalendar(id: $id, input: { name: "Cov updated", timeZone: "Europe/Paris", weeklyHours: [{ day: 2, start: "08:00", end: "12:00" }] }) { __typename } }`, { id: calendar.id }, token);
  },
  deleteSlaCalendar: async ({ token }) => {
    const { createSlaCalendar } = await import('../tickets/sla-service.ts');
    const calendar = await createSlaCalendar(p.system, { name: 'Cov delete', timeZone: 'UTC', weeklyHours: [{ day: 1, start: '09:00', end: '17:00' }] });
    return p.gql(`mutation($id: ID!) { deleteSlaCalendar(id: $id) { __typename } }`, { id: calendar.id }, token);
  },
  createSlaPolicy: async ({ token }) => {
    const { ensureDefaultCalendar } = await import('../tickets/sla.ts');
    const calendar = await ensureDefaultCalendar(p.app.prisma);
    return p.gql(`mutation($plan: ID!, $cal: ID!) { createSlaPolicy(input: { planId: $plan, priority: HIGH, calendarId: $cal, firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240 }) { __typename } }`, { plan: (await p.makeTenant()).planId, cal: calendar.id }, token);
  },
  updateSlaPolicy: async ({ token }) => {
    const { ensureDefaultPolicies } = await import('../tickets/sla.ts');
    const { planId } = await p.makeTenant();
    await ensureDefaultPolicies(p.app.prisma, planId);
    const policy = await p.app.prisma.slaPolicy.findFirstOrThrow({ where: { planId, priority: 'LOW' } });
    return p.gql(`mutation($id: ID!) { updateSlaPolicy(id: $id, input: { firstResponseMinutes: 45, escalateTo: HIGH }) { __typename } }`, { id: policy.id }, token);
  },
  updateMonitoringSettings: ({ token }) => p.gql(`mutation { updateMonitoringSettings(input: { rawRetentionDays: 3 }) { __typename } }`, {}, token),
  deleteSlaPolicy: async ({ token }) => {
    const { ensureDefaultPolicies } = await import('../tickets/sla.ts');
    const { planId } = await p.makeTenant();
    await ensureDefaultPolicies(p.app.prisma, planId);
    const policy = await p.app.prisma.slaPolicy.findFirstOrThrow({ where: { planId, priority: 'LOW' } });
    return p.gql(`mutation($id: ID!) { deleteSlaPolicy(id: $id) { __typename } }`, { id: policy.id }, token);
  },
  createAlertRule: ({ token }) => p.gql(`mutation { createAlertRule(input: { name: "Cov create rule", metric: "cov_create", operator: GT, threshold: 1 }) { __typename } }`, {}, token),
  updateAlertRule: async ({ token }) => p.gql(`mutation($id: ID!) { updateAlertRule(id: $id, input: { threshold: 2 }) { __typename } }`, { id: (await alertRule()).id }, token),
  deleteAlertRule: async ({ token }) => p.gql(`mutation($id: ID!) { deleteAlertRule(id: $id) { __typename } }`, { id: (await alertRule()).id }, token),
  setAlertRuleEnabled: async ({ token }) => p.gql(`mutation($id: ID!) { setAlertRuleEnabled(id: $id, enabled: false) { __typename } }`, { id: (await alertRule()).id }, token),
  silenceAlertRule: async ({ token }) =>
    p.gql(`mutation($id: ID!, $u: DateTime!) { silenceAlertRule(id: $id, until: $u) { __typename } }`, { id: (await alertRule()).id, u: new Date(Date.now() + 3600_000).toISOString() }, token),
  unsilenceAlertRule: async ({ token }) => {
    const { silenceAlertRule } = await import('../alerts/rules.ts');
    const rule = await alertRule();
    await silenceAlertRule(p.system, rule.id, new Date(Date.now() + 3600_000));
    return p.gql(`mutation($id: ID!) { unsilenceAlertRule(id: $id) { __typename } }`, { id: rule.id }, token);
  },
  acknowledgeAlert: async ({ token }) => p.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id, note: "on it") { __typename } }`, { id: (await firingAlert()).id }, token),
  resolveAlert: async ({ token }) => p.gql(`mutation($id: ID!) { resolveAlert(id: $id) { __typename } }`, { id: (await firingAlert()).id }, token),
  createAlertChannel: ({ token }) => p.gql(`mutation { createAlertChannel(input: { name: "Cov email", kind: EMAIL, emailTo: ["cov@example.com"] }) { __typename } }`, {}, token),
  updateAlertChannel: async ({ token }) => p.gql(`mutation($id: ID!) { updateAlertChannel(id: $id, input: { enabled: false }) { __typename } }`, { id: (await alertChannel('Cov update')).id }, token),
  deleteAlertChannel: async ({ token }) => p.gql(`mutation($id: ID!) { deleteAlertChannel(id: $id) { __typename } }`, { id: (await alertChannel('Cov delete')).id }, token),
  testAlertChannel: async ({ token }) => p.gql(`mutation($id: ID!) { testAlertChannel(id: $id) { __typename } }`, { id: (await alertChannel('Cov test')).id }, token),
  createFlag: ({ token }) => p.gql(`mutation { createFlag(input: { key: "cov-create-flag", type: BOOLEAN }) { __typename } }`, {}, token),
  updateFlag: async ({ token, t }) => p.gql(`mutation($id: ID!) { updateFlag(id: $id, input: { description: "Covered" }) { __typename } }`, { id: (await flag(t)).id }, token),
  setFlagEnabled: async ({ token, t }) => p.gql(`mutation($id: ID!) { setFlagEnabled(id: $id, enabled: true) { __typename } }`, { id: (await flag(t)).id }, token),
  setFlagRules: async ({ token, t }) =>
    p.gql(`mutation($id: ID!) { setFlagRules(id: $id, rules: [{ constraints: [{ attribute: "plan", operator: EQ, values: ["pro"] }], value: true }]) { __typename } }`, { id: (await flag(t)).id }, token),
  setFlagRollout: async ({ token, t }) => p.gql(`mutation($id: ID!) { setFlagRollout(id: $id, percentage: 12.5, stickiness: USER) { __typename } }`, { id: (await flag(t)).id }, token),
  setFlagTenantOverride: async ({ token, t }) =>
    p.gql(`mutation($id: ID!, $t: ID!) { setFlagTenantOverride(flagId: $id, tenantId: $t, value: false) { __typename } }`, { id: (await flag(t)).id, t: t.tenantId }, token),
  removeFlagTenantOverride: async ({ token, t }) =>
    p.gql(`mutation($id: ID!, $t: ID!) { removeFlagTenantOverride(flagId: $id, tenantId: $t) { __typename } }`, { id: (await flag(t)).id, t: t.tenantId }, token),
  setFlagUserOverride: async ({ token, t }) =>
    p.gql(`mutation($id: ID!, $t: ID!) { setFlagUserOverride(flagId: $id, tenantId: $t, externalUserId: "cov-user", value: false) { __typename } }`, { id: (await flag(t)).id, t: t.tenantId }, token),
  removeFlagUserOverride: async ({ token, t }) =>
    p.gql(`mutation($id: ID!, $t: ID!) { removeFlagUserOverride(flagId: $id, tenantId: $t, externalUserId: "cov-user") { __typename } }`, { id: (await flag(t)).id, t: t.tenantId }, token),
  scheduleFlagChange: async ({ token, t }) =>
    p.gql(`mutation($id: ID!, $at: DateTime!) { scheduleFlagChange(flagId: $id, kind: ENABLE, runAt: $at) { __typename } }`, { id: (await flag(t)).id, at: new Date(Date.now() + 3_600_000).toISOString() }, token),
  cancelFlagChange: async ({ token, t }) => {
    const change = await scheduleFlagChange(p.system, (await flag(t)).id, { kind: 'DISABLE', runAt: new Date(Date.now() + 3_600_000) });
    return p.gql(`mutation($id: ID!) { cancelFlagChange(id: $id) { __typename } }`, { id: change.id }, token);
  },
  deleteFlag: async ({ token, t }) => p.gql(`mutation($id: ID!) { deleteFlag(id: $id) { __typename } }`, { id: (await flag(t)).id }, token),
};

/** Mutations declared `notAudited` (data ingestion): one real call each, which must write no entry. */
const unaudited: Record<string, (ctx: { token: string; t: { tenantId: string; planId: string } }) => Promise<unknown>> = {
  recordMetrics: ({ token, t }) => p.gql(`mutation($t: ID) { recordMetrics(points: [{ name: "audit.coverage", value: 1, tenantId: $t }]) { accepted } }`, { t: t.tenantId }, token),
};

describe('audit log', () => {
  it('covers every admin mutation with a real audit entry of its declared action', async () => {
    const mutations = adminSchema.getMutationType()!.getFields();
    const t = await p.makeTenant();
    const missing: string[] = [];
    for (const [name, field] of Object.entries(mutations)) {
      const declared = (field.extensions as { audit?: string[] }).audit;
      // A mutation that stores data rather than acting as an admin says why it is not audited, and a
      // scenario shows it writes no entry.
      if ((field.extensions as { notAudited?: string }).notAudited) {
        const scenario = unaudited[name];
        if (!scenario) {
          missing.push(name);
          continue;
        }
        const before = await p.app.prisma.auditEvent.count();
        const result = (await scenario({ token: owner.token, t })) as { errors?: unknown };
        expect(result.errors, name).toBeUndefined();
        expect(await p.app.prisma.auditEvent.count(), `${name} wrote an audit entry`).toBe(before);
        continue;
      }
      // Every action a mutation writes is declared by its module, so the console's filters know it.
      for (const action of declared ?? []) expect(auditTargetOf(action), `${name}: ${action} is not in a manifest`).toBeDefined();
      const scenario = scenarios[name];
      if (!declared?.length || !scenario) {
        missing.push(name);
        continue;
      }
      const since = new Date();
      const result = (await scenario({ token: owner.token, t })) as { data?: Record<string, { __typename?: string }>; errors?: unknown };
      expect(result && 'errors' in result ? result.errors : undefined, name).toBeUndefined();
      const typename = result && 'data' in result ? result.data?.[name]?.__typename : undefined;
      if (typename) expect(typename, `${name}: ${JSON.stringify(result)}`).toMatch(/Success$/);
      const entries = await p.app.prisma.auditEvent.findMany({ where: { occurredAt: { gte: since }, action: { in: declared } } });
      expect(entries.length, `${name} wrote no ${declared.join('/')} entry`).toBeGreaterThan(0);
      expect(entries[0]!.requestId, name).toBeTruthy();
    }
    expect(missing, 'mutations without audit coverage').toEqual([]);
  });

  it('lists the actions the modules declare, and refuses to record one no module declares', async () => {
    const res = await p.gql(`{ auditActions { action targetType } }`, {}, owner.token);
    expect(res.data!.auditActions).toContainEqual({ action: 'tenant.suspend', targetType: 'Tenant' });
    expect(res.data!.auditActions).toContainEqual({ action: 'admin.loginFailed', targetType: 'AdminUser' });
    const { runAudited } = await import('./service.ts');
    await expect(runAudited(p.system, (tx) => tx.audit({ action: 'tenant.teleport', targetType: 'Tenant', targetId: null }))).rejects.toThrow(/not declared/);
    await expect(runAudited(p.system, (tx) => tx.audit({ action: 'tenant.suspend', targetType: 'Plan', targetId: null }))).rejects.toThrow(/not declared/);
  });

  it('records actor, role, request id, ip, user agent and a diff', async () => {
    const t = await p.makeTenant();
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}`, 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-12345' },
      body: JSON.stringify({ query: `mutation($id: ID!) { suspendTenant(id: $id, reason: "fraud") { __typename } }`, variables: { id: t.tenantId } }),
    });
    expect(res.headers.get('x-request-id')).toBe('req-audit-12345');
    const entry = await p.app.prisma.auditEvent.findFirstOrThrow({ where: { action: 'tenant.suspend', targetId: t.tenantId } });
    expect(entry).toMatchObject({
      actorType: 'ADMIN', actorId: owner.userId, actorEmail: owner.email, actorRole: 'OWNER', impersonatorId: null,
      tenantId: t.tenantId, targetType: 'Tenant', requestId: 'req-audit-12345', userAgent: 'audit-test/1.0',
    });
    expect(entry.ip).toMatch(/127\.0\.0\.1/);
    expect(entry.diff).toMatchObject({ status: { from: 'TRIALING', to: 'SUSPENDED' }, suspensionReason: { from: null, to: 'fraud' } });
  });

  it('writes nothing for a failed mutation', async () => {
    const before = await p.app.prisma.auditEvent.count();
    await p.gql(`mutation { suspendTenant(id: "00000000-0000-4000-8000-000000000000", reason: "x y z") { __typename } }`, {}, owner.token);
    await p.gql(`mutation { createPlan(input: { code: "", name: "", currency: "", monthlyPrice: -1, yearlyPrice: 0, trialDays: 0, emailsPerMonth: 0, smsPerMonth: 0, seats: 0, apiCallsPerMonth: 0, entitlements: [] }) { __typename } }`, {}, owner.token);
    expect(await p.app.prisma.auditEvent.count()).toBe(before);
  });

  it('is append-only in the database', async () => {
    const entry = await p.app.prisma.auditEvent.findFirstOrThrow();
    await expect(p.app.prisma.auditEvent.update({ where: { id: entry.id }, data: { action: 'forged' } })).rejects.toThrow(/append-only/);
    await expect(p.app.prisma.auditEvent.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
  });

  it('filters and paginates auditEvents without gaps or repeats', async () => {
    const t = await p.makeTenant();
    for (const name of ['A1', 'A2', 'A3', 'A4', 'A5']) {
      await p.gql(`mutation($id: ID!, $n: String!) { updateTenant(id: $id, input: { name: $n }) { __typename } }`, { id: t.tenantId, n: name }, owner.token);
    }
    const Q = `query($after: String, $f: AuditEventFilter) { auditEvents(first: 2, after: $after, filter: $f) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { action after } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await p.gql(Q, { after, f: { tenantId: t.tenantId, action: 'tenant.update' } }, owner.token);
      expect(res.data.auditEvents.totalCount).toBe(5);
      seen.push(...res.data.auditEvents.edges.map((e: any) => e.node.after.name));
      if (!res.data.auditEvents.pageInfo.hasNextPage) break;
      after = res.data.auditEvents.pageInfo.endCursor;
    }
    expect(seen).toEqual(['A5', 'A4', 'A3', 'A2', 'A1']);
    const byPrefix: any = await p.gql(Q, { f: { tenantId: t.tenantId, action: 'tenant.' } }, owner.token);
    expect(byPrefix.data.auditEvents.totalCount).toBe(6);
    const future: any = await p.gql(Q, { f: { from: new Date(Date.now() + 60_000).toISOString() } }, owner.token);
    expect(future.data.auditEvents.totalCount).toBe(0);
    const tooMany: any = await p.gql(`{ auditEvents(first: 500) { totalCount } }`, {}, owner.token);
    expect(tooMany.errors[0]).toMatchObject({ message: 'first: at most 200', extensions: { code: 'BAD_USER_INPUT' } });

    // Back again from the last page with last/before: the same rows, newest first within each page.
    const BACK = `query($before: String, $f: AuditEventFilter) { auditEvents(last: 2, before: $before, filter: $f) {
      pageInfo { hasNextPage hasPreviousPage startCursor } edges { node { after } } } }`;
    const f = { tenantId: t.tenantId, action: 'tenant.update' };
    const names = (res: any) => res.data.auditEvents.edges.map((e: any) => e.node.after.name);
    const oldest: any = await p.gql(BACK, { f }, owner.token);
    expect(names(oldest)).toEqual(['A2', 'A1']);
    expect(oldest.data.auditEvents.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const middle: any = await p.gql(BACK, { f, before: oldest.data.auditEvents.pageInfo.startCursor }, owner.token);
    expect(names(middle)).toEqual(['A4', 'A3']);
    expect(middle.data.auditEvents.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const newest: any = await p.gql(BACK, { f, before: middle.data.auditEvents.pageInfo.startCursor }, owner.token);
    expect(names(newest)).toEqual(['A5']);
    expect(newest.data.auditEvents.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const mixed: any = await p.gql(`{ auditEvents(first: 2, last: 2) { totalCount } }`, {}, owner.token);
    expect(mixed.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('streams the filtered log as CSV to an admin session only', async () => {
    const t = await p.makeTenant();
    await p.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "csv, \\"quoted\\"") { __typename } }`, { id: t.tenantId }, owner.token);
    expect((await fetch(`${p.url}/exports/audit-events.csv`)).status).toBe(401);
    const other = await p.makeTenant();
    const tenantKey = await fetch(`${p.url}/exports/audit-events.csv`, { headers: { authorization: `Bearer ${other.apiKey}` } });
    expect(tenantKey.status).toBe(403);
    const res = await fetch(`${p.url}/exports/audit-events.csv?tenantId=${t.tenantId}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('occurredAt,action,actorType,actorEmail,actorRole,actorId,impersonatorId,tenantId,targetType,targetId,diff,requestId,ip,userAgent,id');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['tenant.suspend', 'apiKey.create', 'tenant.create']);
    expect(lines[1]).toContain('quoted');
    const bad = await fetch(`${p.url}/exports/audit-events.csv?tenantId=nope`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(bad.status).toBe(400);
  });
});
