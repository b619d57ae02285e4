// Redshift's datepart names and abbreviations (DATEADD, DATEDIFF, DATE_PART, EXTRACT, ...),
// each mapped to one canonical name, which is also the name DuckDB's date functions accept.
// The local dialect layers quote a bare datepart argument with its canonical name.

/** Redshift datepart spelling (lower case) → canonical name. */
export const REDSHIFT_DATEPARTS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    millennium: 'millennium millennia mil mils',
    century: 'century centuries c cent cents',
    decade: 'decade decades dec decs',
    epoch: 'epoch',
    year: 'year years y yr yrs',
    quarter: 'quarter quarters qtr qtrs',
    month: 'month months mon mons',
    week: 'week weeks w',
    dow: 'dayofweek dow dw weekday',
    doy: 'dayofyear doy dy yearday',
    day: 'day days d',
    hour: 'hour hours h hr hrs',
    minute: 'minute minutes m min mins',
    second: 'second seconds s sec secs',
    millisecond: 'millisecond milliseconds ms msec msecs msecond mseconds millisec millisecs millisecon',
    microsecond: 'microsecond microseconds microsec microsecs usecond useconds us usec usecs',
    timezone: 'timezone',
    timezone_hour: 'timezone_hour',
    timezone_minute: 'timezone_minute',
  }).flatMap(([duckdb, names]) => names.split(' ').map((name): [string, string] => [name, duckdb])),
);
