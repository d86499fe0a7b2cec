import { DomainError, ErrorCodes } from '@msync/contracts';
import { PermanentError, TransientError, classifyFailure } from '@msync/kafka';
import { consumerFailureOf } from './inbound-command-handler';

describe('what a failed inbound command becomes for the consumer', () => {
  it('a refused command is dead-lettered at once, with its code in the reason', () => {
    const failure = consumerFailureOf(new DomainError(ErrorCodes.MESSAGE_UNKNOWN, 'no message X'));
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toBe('message_unknown: no message X');
    expect(classifyFailure(failure)).toBe('permanent');
  });

  it('a dependency that is down is retried without limit', () => {
    const failure = consumerFailureOf(new DomainError(ErrorCodes.UNAVAILABLE, 'http://recall unreachable'));
    expect(failure).toBeInstanceOf(TransientError);
    expect(classifyFailure(failure)).toBe('transient');
  });

  it('internal errors and anything else keep the bounded retries', () => {
    const internal = new DomainError(ErrorCodes.INTERNAL, 'boom');
    const other = new Error('surprise');
    expect(classifyFailure(consumerFailureOf(internal))).toBe('unknown');
    expect(consumerFailureOf(other)).toBe(other);
  });
});
