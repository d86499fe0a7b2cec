export * from './checker';
export * from './dead-letters';
export * from './load';
export * from './rng';
export * from './run';
export * from './system';
export * from './scaling';
export * from './tcp-balancer';
