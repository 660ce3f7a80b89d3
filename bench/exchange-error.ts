/** A failed exchange; `kind` groups failures in the report, `message` keeps one example. */
export class ExchangeError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}
