import { appSettingsPatchSchema, appSettingsSchema } from './app-settings.event';

describe('appSettingsPatchSchema', () => {
  it('keeps only the fields a change names (no defaults filled in)', () => {
    expect(appSettingsPatchSchema.parse({ maxContentBytes: 100 })).toEqual({ maxContentBytes: 100 });
    expect(appSettingsPatchSchema.parse({})).toEqual({});
  });

  it('keeps each field range and refuses unknown fields', () => {
    expect(appSettingsPatchSchema.safeParse({ compensationDays: 8 }).success).toBe(false);
    expect(appSettingsPatchSchema.safeParse({ strictSignature: 'yes' }).success).toBe(false);
    expect(appSettingsPatchSchema.safeParse({ nope: 1 }).success).toBe(false);
  });

  it('names every setting', () => {
    expect(Object.keys(appSettingsPatchSchema.shape).sort()).toEqual(Object.keys(appSettingsSchema.shape).sort());
  });
});
