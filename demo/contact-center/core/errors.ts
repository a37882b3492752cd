// Failures of the domain, mapped by each API onto its own error format.
export type DomainErrorCode = 'not-found' | 'invalid-state' | 'invalid';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}
