export * from './errors';
export * from './headers';
export * from './event-producer';
export * from './event-consumer';
export * from './topic-provisioner';
export * from './kafka-connection';
export * from './kafka.module';
export * from './socket-factory';
