export * from './device-token';
export * from './request-signature';
