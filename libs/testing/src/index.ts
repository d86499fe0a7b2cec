export * from './infra';
export * from './wait';
export * from './service-process';
export * from './management-client';
export * from './test-system';
export * from './test-device';
export * from './server-api-client';
export * from './e2e-suite';
