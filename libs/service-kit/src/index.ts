export * from './config';
export * from './logger';
export * from './metrics';
export * from './readiness';
export * from './health.controller';
export * from './service-kit.module';
export * from './bootstrap';
