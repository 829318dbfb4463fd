-- DuckDB baseline for `takst compare` (SPEC.md section 5), for benchmarks only.
--
-- Expects these variables (SET VARIABLE ...; bench/duckdb_compare.py sets them):
--   agreements_csv, needs_csv, delivered_csv   file paths
--   period_from, period_to                     DATE, both inclusive
--   staff_ids, band_ids                        VARCHAR[] of the model's ids (takst.toml)
--   delim, decimal_sep, date_format            delivered.csv dialect (',' '.' '%Y-%m-%d'
--                                              or, Danish Excel, ';' ',' '%d-%m-%Y')
--   tolerance                                  DOUBLE, 0.10 = 10 %
-- Leaves two tables: result (agreement x staff x band, the columns of
-- `takst compare --format csv` except diff_value, which needs prices) and
-- conservation (hours per reason). Agreed hours are DOUBLE; delivered hours
-- are summed exactly as DECIMAL.

CREATE OR REPLACE TEMP TABLE agreements AS
SELECT *
FROM read_csv(getvariable('agreements_csv'), header = true, auto_detect = false,
              delim = ',', quote = '"', escape = '"',
              columns = {'agreement': 'VARCHAR', 'citizen': 'VARCHAR',
                         'municipality': 'VARCHAR', 'tilbud': 'VARCHAR',
                         'from': 'DATE', 'to': 'DATE',
                         'agreed_tariff': 'DECIMAL(18,2)'});

CREATE OR REPLACE TEMP TABLE needs AS
SELECT *
FROM read_csv(getvariable('needs_csv'), header = true, auto_detect = false,
              delim = ',', quote = '"', escape = '"',
              columns = {'agreement': 'VARCHAR', 'staff': 'VARCHAR', 'band': 'VARCHAR',
                         'hours_per_week': 'DECIMAL(18,4)', 'ratio': 'VARCHAR',
                         'note': 'VARCHAR'});

-- Agreements in force on at least one day of the period, with those days.
CREATE OR REPLACE TEMP TABLE in_force AS
SELECT agreement, citizen, municipality, tilbud,
       least(coalesce("to", DATE '9999-12-31'), getvariable('period_to')::DATE)
         - greatest("from", getvariable('period_from')::DATE) + 1 AS days_in_force
FROM agreements
WHERE "from" <= getvariable('period_to')::DATE
  AND coalesce("to", DATE '9999-12-31') >= getvariable('period_from')::DATE;

-- One pass over delivered.csv: each row joined to the agreement of its
-- citizen in force on its date (only for dates in the period), aggregated by
-- agreement x staff x band; unmatched rows keep their citizen so they can be
-- classified afterwards (a few thousand groups).
CREATE OR REPLACE TEMP TABLE delivered_agg AS
SELECT d.date BETWEEN getvariable('period_from')::DATE AND getvariable('period_to')::DATE AS in_period,
       a.agreement,
       CASE WHEN a.agreement IS NULL THEN d.citizen END AS unmatched_citizen,
       d.staff, d.band,
       sum(d.hours) AS hours,
       count(*) AS n_rows
FROM read_csv(getvariable('delivered_csv'), header = true, auto_detect = false,
              delim = getvariable('delim'), decimal_separator = getvariable('decimal_sep'),
              dateformat = getvariable('date_format'),
              columns = {'citizen': 'VARCHAR', 'date': 'DATE', 'staff': 'VARCHAR',
                         'band': 'VARCHAR', 'hours': 'DECIMAL(9,2)'}) AS d
LEFT JOIN agreements AS a
  ON a.citizen = d.citizen
 AND d.date >= a."from"
 AND d.date <= coalesce(a."to", DATE '9999-12-31')
 AND d.date BETWEEN getvariable('period_from')::DATE AND getvariable('period_to')::DATE
GROUP BY ALL;

-- Hours conservation, reasons in SPEC 5 priority order.
CREATE OR REPLACE TEMP TABLE conservation AS
WITH classified AS (
  SELECT CASE
           WHEN NOT in_period THEN 'outside_period'
           WHEN agreement IS NULL
                AND unmatched_citizen NOT IN (SELECT citizen FROM agreements) THEN 'unknown_citizen'
           WHEN agreement IS NULL THEN 'no_agreement_that_day'
           WHEN NOT list_contains(getvariable('staff_ids'), staff) THEN 'unknown_staff'
           WHEN NOT list_contains(getvariable('band_ids'), band) THEN 'unknown_band'
           ELSE 'matched'
         END AS reason,
         hours, n_rows
  FROM delivered_agg
)
SELECT reason, sum(hours) AS hours, sum(n_rows) AS n_rows
FROM classified
GROUP BY reason;

CREATE OR REPLACE TEMP TABLE result AS
WITH delivered AS (
  SELECT agreement, staff, band, sum(hours) AS delivered_hours
  FROM delivered_agg
  WHERE in_period AND agreement IS NOT NULL
    AND list_contains(getvariable('staff_ids'), staff)
    AND list_contains(getvariable('band_ids'), band)
  GROUP BY ALL
),
agreed AS (
  -- staff hours = hours_per_week x ratio (staff:citizens) x days / 7
  SELECT n.agreement, n.staff, n.band,
         sum(n.hours_per_week::DOUBLE
             * CAST(split_part(coalesce(nullif(trim(n.ratio), ''), '1:1'), ':', 1) AS DOUBLE)
             * f.days_in_force
             / (CAST(split_part(coalesce(nullif(trim(n.ratio), ''), '1:1'), ':', 2) AS DOUBLE) * 7))
           AS agreed_hours
  FROM needs AS n
  JOIN in_force AS f USING (agreement)
  GROUP BY ALL
),
joined AS (
  SELECT coalesce(g.agreement, d.agreement) AS agreement,
         coalesce(g.staff, d.staff) AS staff,
         coalesce(g.band, d.band) AS band,
         coalesce(g.agreed_hours, 0) AS agreed_hours,
         coalesce(d.delivered_hours, 0)::DECIMAL(18,2) AS delivered_hours
  FROM agreed AS g
  FULL OUTER JOIN delivered AS d
    ON g.agreement = d.agreement AND g.staff = d.staff AND g.band = d.band
)
SELECT j.agreement, f.citizen, f.municipality, j.staff, j.band,
       round(j.agreed_hours, 2)::DECIMAL(18,2) AS agreed_hours,
       j.delivered_hours,
       round(j.delivered_hours::DOUBLE - j.agreed_hours, 2)::DECIMAL(18,2) AS diff_hours,
       CASE WHEN j.agreed_hours > 0
            THEN round(j.delivered_hours::DOUBLE / j.agreed_hours * 100, 2)::DECIMAL(18,2) END AS delivery_pct,
       CASE WHEN j.delivered_hours::DOUBLE < j.agreed_hours * (1 - getvariable('tolerance')) THEN 'under'
            WHEN j.delivered_hours::DOUBLE > j.agreed_hours * (1 + getvariable('tolerance')) THEN 'over'
            ELSE 'ok' END AS status
FROM joined AS j
JOIN in_force AS f USING (agreement)
ORDER BY j.agreement, j.staff, j.band;
