const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function seconds(year: number, month: string, day: number, h: string, m: string, s: string): number | undefined {
  const mon = MONTHS.indexOf(month);
  const [hh, mm, ss] = [Number(h), Number(m), Number(s)];
  if (hh > 23 || mm > 59 || ss > 60 || day < 1) return undefined;
  const ms = Date.UTC(year, mon, day, hh, mm, Math.min(ss, 59));
  // Date.UTC rolls 31 Feb over into March; a date that does not exist is not a date.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms / 1000;
}

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) to whole seconds since the epoch: the IMF-fixdate
 * form and, as recipients must, the obsolete RFC 850 and asctime forms (all UTC). Anything
 * else — a list of dates, a local time, trailing text — is undefined, which the
 * precondition rules treat as "ignore the header" (§13.1.3, §13.1.4).
 * @example
 * ```ts
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'); // 784111777
 * parseHttpDate('yesterday');                      // undefined
 * ```
 */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let m = IMF_FIXDATE.exec(text);
  if (m) return seconds(Number(m[3]), m[2] as string, Number(m[1]), m[4] as string, m[5] as string, m[6] as string);
  m = RFC850.exec(text);
  if (m) {
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const yy = Number(m[3]);
    const now = new Date().getUTCFullYear();
    let year = Math.floor(now / 100) * 100 + yy;
    if (year > now + 50) year -= 100;
    return seconds(year, m[2] as string, Number(m[1]), m[4] as string, m[5] as string, m[6] as string);
  }
  m = ASCTIME.exec(text);
  if (m)
    return seconds(
      Number(m[7]),
      m[1] as string,
      Number((m[2] as string).trim()),
      m[3] as string,
      m[4] as string,
      m[5] as string,
    );
  return undefined;
}

/**
 * Formats a time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form a server sends.
 * @example
 * ```ts
 * formatHttpDate(784111777); // 'Sun, 06 Nov 1994 08:49:37 GMT'
 * ```
 */
export function formatHttpDate(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toUTCString();
}
