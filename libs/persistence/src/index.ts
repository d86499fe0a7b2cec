export * from './data-source';
export * from './entities';
export * from './persistence.module';
export * from './repositories/app.repository';
