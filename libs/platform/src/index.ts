export * from './platform.module';
export * from './app-directory';
export * from './internal-api';
export * from './recall-client';
export * from './kafka-transport';
