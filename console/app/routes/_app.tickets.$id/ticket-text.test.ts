import { describe, expect, it } from 'vitest';
import { describeHistory, describeValue, formatBytes, readTags } from './ticket-text.ts';

const ADA = '7b0c6a9e-3d1f-4c55-9a63-1f2e3d4c5b6a';
const names = new Map([[ADA, 'Ada Agent']]);

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [20 * 1024, '20 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [3 * 1024 ** 4, '3072 GB'],
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('describeValue', () => {
  it('reads enum values, lists and agents in words', () => {
    expect(describeValue({ status: 'ON_HOLD' })).toBe('on hold');
    expect(describeValue({ tags: ['billing', 'vip'] })).toBe('billing, vip');
    expect(describeValue({ tags: [] })).toBe('none');
    expect(describeValue({ assigneeId: ADA }, names)).toBe('Ada Agent');
    expect(describeValue({ assigneeId: null }, names)).toBe('nobody');
    expect(describeValue({ subject: 'Login fails' })).toBe('Login fails');
    expect(describeValue({ commentId: ADA })).toBe('none');
  });
});

describe('describeHistory', () => {
  it('says who changed what from what to what, and why', () => {
    expect(
      describeHistory({ kind: 'PRIORITY_CHANGED', actorType: 'SYSTEM', from: { priority: 'NORMAL' }, to: { priority: 'URGENT' }, message: 'escalated on breach' }),
    ).toBe('Opsgraph changed the priority: normal → urgent (escalated on breach)');
    expect(describeHistory({ kind: 'ASSIGNED', actorType: 'ADMIN', actorAdmin: { name: 'Bo Boss' }, from: { assigneeId: null }, to: { assigneeId: ADA } }, names)).toBe(
      'Bo Boss assigned the ticket: nobody → Ada Agent',
    );
  });

  it('keeps comments and creation to a verb', () => {
    expect(describeHistory({ kind: 'COMMENTED', actorType: 'REQUESTER', actorUser: { name: 'Rita' }, to: { commentId: ADA } })).toBe('Rita replied');
    expect(describeHistory({ kind: 'CREATED', actorType: 'REQUESTER', actorUser: { name: null }, to: { status: 'NEW', priority: 'NORMAL' } })).toBe('The requester opened the ticket');
  });

  it('names the SLA target of SLA entries', () => {
    expect(describeHistory({ kind: 'SLA_BREACHED', actorType: 'SYSTEM', to: { target: 'FIRST_RESPONSE' } })).toBe('Opsgraph recorded an SLA breach: first response');
  });
});

describe('readTags', () => {
  it('splits on commas and spaces, drops hashes and repeats', () => {
    expect(readTags('billing, #vip  login,billing')).toEqual(['billing', 'vip', 'login']);
    expect(readTags('  ')).toEqual([]);
  });
});
