import { z } from 'zod';

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));
timeZones.add('UTC');

/** A tenant's settings. Stored as JSON, always validated against this schema. */
export const tenantSettingsSchema = z
  .object({
    timezone: z.string().refine((tz) => timeZones.has(tz), 'not a known IANA time zone'),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a locale such as en or en-GB'),
    supportEmail: z.email('not a valid email address').nullable(),
    brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a hex colour such as #1f6feb').nullable(),
  })
  .strict();

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const defaultTenantSettings: TenantSettings = {
  timezone: 'UTC',
  locale: 'en',
  supportEmail: null,
  brandColor: null,
};

/** Reads stored settings, filling in defaults for keys added since the row was written. */
export function readSettings(stored: unknown): TenantSettings {
  const merged = { ...defaultTenantSettings, ...(typeof stored === 'object' && stored ? stored : {}) };
  const parsed = tenantSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaultTenantSettings;
}
