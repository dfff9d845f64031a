/** The event contract: schema, types, validation, Kafka record format, column derivations. */
export * from './event';
export * from './bad-event';
export * from './validate';
export * from './instant';
export * from './own-keys';
export * from './errors';
export * from './topics';
export * from './kafka-record';
export * from './columns';
