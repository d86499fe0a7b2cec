import { logLevel, type LogEntry } from 'kafkajs';
import { loggerFor } from '@msync/service-kit';

/** kafkajs log lines into the service's JSON log. */
export function kafkaLogCreator() {
  return () => {
    const log = loggerFor('kafkajs');
    return ({ level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      if (level <= logLevel.ERROR) log.error(rest, message);
      else if (level === logLevel.WARN) log.warn(rest, message);
      else if (level === logLevel.INFO) log.debug(rest, message);
      else log.trace(rest, message);
    };
  };
}
