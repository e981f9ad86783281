/** A service the test setup starts: what it provides to tests, and how to stop it. */
export interface StartedService {
  readonly provide: Record<string, string>;
  stop(): Promise<void>;
}

/** Each store's setup adds its starter here (PostgreSQL, DynamoDB Local, ...). */
export const starters: (() => Promise<StartedService>)[] = [];
