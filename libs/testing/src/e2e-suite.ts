import { Client } from 'pg';
import { TestSystem, type SystemOptions } from './test-system';
import type { TestDevice } from './test-device';

export interface E2eSuite {
  /** The services, started once for the spec file. */
  readonly system: TestSystem;
  /** A PostgreSQL connection for assertions on what was (not) stored. */
  readonly db: Client;
  /** Devices a test connected: closed after each test. */
  readonly devices: TestDevice[];
  /** Registers a device for closing after the test; returns it. */
  track(device: TestDevice): TestDevice;
}

/**
 * The lifecycle every end-to-end spec shares, registered as jest hooks: a TestSystem and a database
 * connection for the file, and the test's devices closed after each test.
 */
export function e2eSuite(options: SystemOptions = {}): E2eSuite {
  const state: { system?: TestSystem; db?: Client } = {};
  const devices: TestDevice[] = [];
  beforeAll(async () => {
    state.system = await TestSystem.start(options);
    state.db = new Client({ connectionString: process.env.DATABASE_URL });
    await state.db.connect();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await state.db?.end();
    await state.system?.stop();
  });
  return {
    get system() {
      if (!state.system) throw new Error('the system starts in beforeAll');
      return state.system;
    },
    get db() {
      if (!state.db) throw new Error('the database connects in beforeAll');
      return state.db;
    },
    devices,
    track(device) {
      devices.push(device);
      return device;
    },
  };
}
