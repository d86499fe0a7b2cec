import { z } from 'zod';
import { appKeySchema, epochMsSchema, objectNameSchema } from '../primitives';

export const MAX_CONTENT_BYTES_LIMIT = 128 * 1024;

/** Per-app settings. Defaults are what a new app gets; ranges are enforced wherever settings are written. */
export const appSettingsSchema = z.strictObject({
  multiDeviceSync: z.boolean().default(true),
  compensationDays: z.number().int().min(1).max(7).default(1),
  retentionDays: z.number().int().min(1).max(30).default(7),
  devicesPerPlatform: z.number().int().min(1).max(10).default(1),
  webConnectionLimit: z.number().int().min(1).max(50).default(10),
  transientMessageTypes: z.array(objectNameSchema).max(100).default([]),
  maxContentBytes: z.number().int().min(1).max(MAX_CONTENT_BYTES_LIMIT).default(MAX_CONTENT_BYTES_LIMIT),
  serverApiRatePerSecond: z.number().int().min(1).max(100_000).default(1000),
  strictSignature: z.boolean().default(false),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;
export const defaultAppSettings = (): AppSettings => appSettingsSchema.parse({});

/**
 * A change of some settings: only the fields it names, each with its range and no default (zod's
 * `.partial()` keeps `.default()`, which would silently reset every field left out).
 */
export const appSettingsPatchSchema = z.strictObject(
  Object.fromEntries(Object.entries(appSettingsSchema.shape).map(([name, field]) => [name, field.unwrap().optional()])) as {
    [K in keyof typeof appSettingsSchema.shape]: z.ZodOptional<ReturnType<(typeof appSettingsSchema.shape)[K]['unwrap']>>;
  },
);
export type AppSettingsPatch = z.infer<typeof appSettingsPatchSchema>;

/** `im.app-settings.v1` (compacted, keyed by appKey). A null value (tombstone) removes the app. */
export const appSettingsChangedSchema = z.object({
  appKey: appKeySchema,
  version: z.number().int().nonnegative(),
  settings: appSettingsSchema,
  updatedAt: epochMsSchema,
});
export type AppSettingsChanged = z.infer<typeof appSettingsChangedSchema>;
