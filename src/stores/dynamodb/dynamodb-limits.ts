/**
 * What DynamoDB can hold, for the core to check before anything is sent: 32 levels of
 * nesting (a scalar 32 path segments deep, a map or list at most 31), and non-zero numbers
 * of magnitude 1e-130 to 9.9999999999999999999999999999999999999e125 (as JavaScript
 * prints them: the largest double that prints below 1e126 is 9.999999999999998e125).
 * @example
 * ```ts
 * numberProblem(1e126, DYNAMODB_LIMITS); // 'out_of_range'
 * ```
 */
export const DYNAMODB_LIMITS = {
  maxDepth: 32,
  numberRange: { minAbs: 1e-130, maxAbs: 9.999999999999998e125 },
} as const;

/** Partition key values are at most 2048 bytes, sort key values at most 1024 (UTF-8). */
export const DYNAMODB_KEY_BYTES = { hash: 2048, range: 1024 } as const;
