import type { TestInfra } from './infra';

export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as { __MSYNC_INFRA__?: TestInfra }).__MSYNC_INFRA__;
  await infra?.stop();
}
