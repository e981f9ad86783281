/**
 * Deep-copies parameter values, replacing each value found in `map` by its mapped value
 * (parameters are recognised by value: the traced call used distinct ones).
 * @example
 * ```ts
 * substitute(['capture', '5'], new Map([['capture', 'r7']])); // ['r7', '5']
 * ```
 */
export function substitute(values: unknown, map: ReadonlyMap<unknown, unknown>): unknown {
  if (map.has(values)) return map.get(values);
  if (Array.isArray(values)) return values.map((v) => substitute(v, map));
  if (values && typeof values === 'object')
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, substitute(v, map)]));
  return values;
}
