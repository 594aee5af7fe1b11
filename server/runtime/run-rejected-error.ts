/** The one refusal of the runtime: a request it will not serve, and the protocol error code to answer with. */
import type { ErrorCode } from '../../protocol';

export class RunRejectedError extends Error {
  constructor(
    readonly code: Extract<
      ErrorCode,
      'not_found' | 'thread_busy' | 'unavailable' | 'rate_limited' | 'forbidden' | 'invalid_message'
    >,
    message: string,
  ) {
    super(message);
    this.name = 'RunRejectedError';
  }
}
