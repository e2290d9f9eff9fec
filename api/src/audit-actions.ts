// Every action the audit log records, declared once by the module that records it (its manifest's
// `auditActions`: action → the type of record it targets). Writing an undeclared action is a programming
// error, and the console's audit filters offer exactly this list.

const declared = new Map<string, string>();

/** Called once per module by the module list; an action declared twice is a programming error. */
export function registerAuditActions(owner: string, actions: Readonly<Record<string, string>>): void {
  for (const [action, targetType] of Object.entries(actions)) {
    if (!/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/.test(action)) throw new Error(`Audit action ${action} (${owner}) must read <target>.<verb>`);
    if (declared.has(action)) throw new Error(`Audit action ${action} is declared twice (${owner})`);
    declared.set(action, targetType);
  }
}

/** The record type an action targets, or undefined for an action no module declares. */
export function auditTargetOf(action: string): string | undefined {
  return declared.get(action);
}

/** Every declared action with its target type, sorted by action. */
export function allAuditActions(): { action: string; targetType: string }[] {
  return [...declared].map(([action, targetType]) => ({ action, targetType })).sort((a, b) => a.action.localeCompare(b.action));
}
