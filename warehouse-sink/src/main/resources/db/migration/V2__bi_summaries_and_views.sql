-- BI: summary tables kept exact by the database itself, and the views query-api and BI tools read.
--
-- Why summary tables and not plain views over firehose_transactions
-- ------------------------------------------------------------------
-- Measured on the full dataset (541,909 rows, PostgreSQL 17, 2 cores shared with other builds,
-- indexes on invoice_date, invoice_no, customer_id): plain GROUP BY queries over the table take
-- 0.4-1.6 s each (revenue per hour with COUNT(DISTINCT invoice_no) 1.1-1.6 s, per month for
-- scope=sales 1.25 s, top customers 1.05 s, top invoices 0.45 s, top products all time 0.4 s), and
-- more under concurrent readers. Indexes cannot help: these questions read every row. A first
-- version of these summaries kept only per-invoice rows and counted distinct invoices at query time:
-- 30-480 ms per question on the same machine. So the warehouse keeps every answer ready:
--
--   bi_period_totals      (scope, granularity, period): rows, quantity, revenue, distinct invoices
--                         granularities hour, day, month, year, all       (~3,300 rows per scope)
--   bi_invoice_totals     (scope, granularity, period, invoice): rows, quantity, revenue
--                         granularities hour, day, month, year, all       (~26k rows per granularity)
--   bi_customer_invoices  (scope, granularity, period, invoice, customer): rows — which customers'
--                         invoices a period has; rows without a customer are not in it
--                         granularities day, month, year, all
--   bi_customer_totals    (scope, granularity, period, customer): rows, quantity, revenue, distinct invoices
--                         granularities day, month, year, all
--   bi_product_totals     (scope, granularity, period, stock code): rows, quantity, revenue
--                         granularities day, month, year, all             (~280k day rows, 35k month rows)
--   bi_product_descriptions  rows per (stock code, description), for a product's name
--
-- Every BI view reads only these; a question reads at most the rows of one (scope, granularity,
-- period) slice: a few ms each (see the warehouse-loader README for the measured figures).
--
-- How they stay exact
-- -------------------
-- Statement-level AFTER triggers on firehose_transactions with transition tables apply each
-- statement's change as a delta: +1 x every inserted row, -1 x the old and +1 x the new version of
-- every updated row, -1 x every deleted row. They run inside the writing transaction, so a load and
-- its aggregates commit or roll back together, for every writer (warehouse-loader, a manual fix, a
-- future CDC delete). An upsert that changes nothing (a replay: ON CONFLICT ... WHERE row differs)
-- updates no row, so it changes no aggregate. Sums are added; distinct-invoice counts move by one
-- when an invoice's row in bi_invoice_totals / bi_customer_invoices appears (a fresh insert) or
-- empties (row_count reaches 0; such rows are then deleted). The old versions come from the rows the
-- statement actually replaced, so concurrent writers cannot make a delta stale; the triggers still
-- serialise the aggregate updates with a transaction-scoped advisory lock, because concurrent loads
-- (one per shard) touch the same hot aggregate rows (the 'all' and 'year' periods) in different
-- orders and would otherwise deadlock. bi_rebuild() recomputes everything from firehose_transactions
-- (the tests use it to prove the incremental aggregates equal a full recomputation).
--
-- Scopes (CONTRACT.md): 'all' = every row as ingested (cancellations, adjustments, duplicates);
-- 'sales' = InvoiceNo not starting with 'C', Quantity > 0, UnitPrice > 0 and CustomerID present
-- (so the 'A' bad-debt adjustments, with negative prices, are in 'all' only).
--
-- Period labels (the `period` column): hour 'YYYY-MM-DDTHH:00', day 'YYYY-MM-DD', month 'YYYY-MM',
-- year 'YYYY', all time 'all' (granularity 'all'); period_start is the period's first instant (NULL
-- for 'all'). Labels sort chronologically.

CREATE FUNCTION bi_in_sales_scope(invoice_no text, quantity integer, unit_price numeric, customer_id text)
    RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN NOT starts_with(invoice_no, 'C') AND quantity > 0 AND unit_price > 0 AND customer_id IS NOT NULL;

COMMENT ON FUNCTION bi_in_sales_scope IS
    'scope=sales of CONTRACT.md: not a cancellation, quantity > 0, unit price > 0, customer present';

-- The periods a timestamp belongs to, one row per granularity (to_char makes it STABLE, not IMMUTABLE).
CREATE FUNCTION bi_periods(ts timestamp)
    RETURNS TABLE (granularity text, period text, period_start timestamp)
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    VALUES ('hour', to_char(ts, 'YYYY-MM-DD"T"HH24:00'), date_trunc('hour', ts)),
           ('day', to_char(ts, 'YYYY-MM-DD'), date_trunc('day', ts)),
           ('month', to_char(ts, 'YYYY-MM'), date_trunc('month', ts)),
           ('year', to_char(ts, 'YYYY'), date_trunc('year', ts)),
           ('all', 'all', NULL::timestamp)
$$;

-- No CHECK (row_count >= 0) below: INSERT ... ON CONFLICT checks constraints on the proposed row
-- (a negative delta) before it finds the conflicting one. The tests check it instead.

CREATE TABLE bi_period_totals (
    scope         text COLLATE "C" NOT NULL CHECK (scope IN ('all', 'sales')),
    granularity   text COLLATE "C" NOT NULL CHECK (granularity IN ('hour', 'day', 'month', 'year', 'all')),
    period        text COLLATE "C" NOT NULL,
    period_start  timestamp,
    row_count     bigint  NOT NULL,
    quantity      bigint  NOT NULL,
    revenue       numeric NOT NULL,
    invoice_count bigint  NOT NULL,
    CONSTRAINT bi_period_totals_key PRIMARY KEY (scope, granularity, period)
) WITH (fillfactor = 80);

CREATE TABLE bi_invoice_totals (
    scope        text COLLATE "C" NOT NULL CHECK (scope IN ('all', 'sales')),
    granularity  text COLLATE "C" NOT NULL CHECK (granularity IN ('hour', 'day', 'month', 'year', 'all')),
    period       text COLLATE "C" NOT NULL,
    period_start timestamp,
    invoice_no   text COLLATE "C" NOT NULL,
    row_count    bigint  NOT NULL,
    quantity     bigint  NOT NULL,
    revenue      numeric NOT NULL,
    CONSTRAINT bi_invoice_totals_key PRIMARY KEY (scope, granularity, period, invoice_no)
) WITH (fillfactor = 80);
-- Top invoices without sorting a period's invoices: a row changes rarely after its invoice is loaded.
CREATE INDEX bi_invoice_totals_ranking ON bi_invoice_totals (scope, granularity, period, revenue DESC, invoice_no);

CREATE TABLE bi_customer_invoices (
    scope        text COLLATE "C" NOT NULL CHECK (scope IN ('all', 'sales')),
    granularity  text COLLATE "C" NOT NULL CHECK (granularity IN ('day', 'month', 'year', 'all')),
    period       text COLLATE "C" NOT NULL,
    invoice_no   text COLLATE "C" NOT NULL,
    customer_id  text COLLATE "C" NOT NULL,
    row_count    bigint NOT NULL,
    CONSTRAINT bi_customer_invoices_key PRIMARY KEY (scope, granularity, period, invoice_no, customer_id)
) WITH (fillfactor = 80);

CREATE TABLE bi_customer_totals (
    scope         text COLLATE "C" NOT NULL CHECK (scope IN ('all', 'sales')),
    granularity   text COLLATE "C" NOT NULL CHECK (granularity IN ('day', 'month', 'year', 'all')),
    period        text COLLATE "C" NOT NULL,
    period_start  timestamp,
    customer_id   text COLLATE "C" NOT NULL,
    row_count     bigint  NOT NULL,
    quantity      bigint  NOT NULL,
    revenue       numeric NOT NULL,
    invoice_count bigint  NOT NULL,
    CONSTRAINT bi_customer_totals_key PRIMARY KEY (scope, granularity, period, customer_id)
) WITH (fillfactor = 80);

CREATE TABLE bi_product_totals (
    scope        text COLLATE "C" NOT NULL CHECK (scope IN ('all', 'sales')),
    granularity  text COLLATE "C" NOT NULL CHECK (granularity IN ('day', 'month', 'year', 'all')),
    period       text COLLATE "C" NOT NULL,
    period_start timestamp,
    stock_code   text COLLATE "C" NOT NULL,
    row_count    bigint  NOT NULL,
    quantity     bigint  NOT NULL,
    revenue      numeric NOT NULL,
    CONSTRAINT bi_product_totals_key PRIMARY KEY (scope, granularity, period, stock_code)
) WITH (fillfactor = 80);

CREATE TABLE bi_product_descriptions (
    stock_code  text COLLATE "C" NOT NULL,
    description text COLLATE "C" NOT NULL,
    row_count   bigint NOT NULL,
    CONSTRAINT bi_product_descriptions_key PRIMARY KEY (stock_code, description)
) WITH (fillfactor = 80);

COMMENT ON TABLE bi_period_totals IS 'maintained by the bi_apply_* triggers on firehose_transactions; read the bi_* views';
COMMENT ON TABLE bi_invoice_totals IS 'maintained by the bi_apply_* triggers on firehose_transactions; read the bi_* views';
COMMENT ON TABLE bi_customer_invoices IS 'maintained by the bi_apply_* triggers on firehose_transactions; read the bi_* views';
COMMENT ON TABLE bi_customer_totals IS 'maintained by the bi_apply_* triggers on firehose_transactions; read the bi_* views';
COMMENT ON TABLE bi_product_totals IS 'maintained by the bi_apply_* triggers on firehose_transactions; read the bi_* views';
COMMENT ON TABLE bi_product_descriptions IS 'maintained by the bi_apply_* triggers on firehose_transactions; read the bi_* views';

-- The statements that add a delta to the aggregates. `source` is a query returning
-- (sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id).
-- They are run with EXECUTE by the trigger function itself, where the transition tables are visible.
-- Each first sums the delta per scope and hour (or day) — a batch holds few of them — and only then
-- expands it to the periods, whose labels are computed once per distinct hour (to_char is not cheap).
-- The upserts return which invoice rows appeared (xmax = 0: a fresh insert) or emptied (row_count
-- 0), which moves the distinct-invoice counts. The last statements delete the aggregate rows a
-- removal (sign -1) emptied; only removals can empty one.
CREATE FUNCTION bi_delta_statements(source text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
SELECT ARRAY[
    -- 1. per invoice and per period: bi_invoice_totals, then bi_period_totals
    format($q$
        WITH d AS (%s),
        h AS (
            SELECT sc.scope, d.invoice_no, date_trunc('hour', d.invoice_date) AS hour,
                   sum(d.sign) AS row_count, sum(d.sign * d.quantity) AS quantity,
                   sum(d.sign * d.quantity * d.unit_price) AS revenue
            FROM d CROSS JOIN LATERAL (VALUES ('all' COLLATE "C"), ('sales')) AS sc (scope)
            WHERE sc.scope = 'all' OR bi_in_sales_scope(d.invoice_no, d.quantity, d.unit_price, d.customer_id)
            GROUP BY 1, 2, 3
        ),
        p AS (
            SELECT x.hour, p.* FROM (SELECT DISTINCT hour FROM h) AS x CROSS JOIN LATERAL bi_periods(x.hour) AS p
        ),
        i AS (
            SELECT h.scope, p.granularity, p.period, p.period_start, h.invoice_no,
                   sum(h.row_count) AS row_count, sum(h.quantity) AS quantity, sum(h.revenue) AS revenue
            FROM h JOIN p ON p.hour = h.hour
            GROUP BY 1, 2, 3, 4, 5
            HAVING sum(h.row_count) <> 0 OR sum(h.quantity) <> 0 OR sum(h.revenue) <> 0
        ),
        changed AS (
            INSERT INTO bi_invoice_totals AS t
                (scope, granularity, period, period_start, invoice_no, row_count, quantity, revenue)
            SELECT scope, granularity, period, period_start, invoice_no, row_count, quantity, revenue FROM i
            ON CONFLICT ON CONSTRAINT bi_invoice_totals_key DO UPDATE
                SET row_count = t.row_count + excluded.row_count,
                    quantity = t.quantity + excluded.quantity,
                    revenue = t.revenue + excluded.revenue
            RETURNING t.scope, t.granularity, t.period, (t.xmax = 0) AS appeared, (t.row_count = 0) AS emptied
        ),
        invoices AS (
            SELECT scope, granularity, period,
                   count(*) FILTER (WHERE appeared) - count(*) FILTER (WHERE emptied) AS invoice_count
            FROM changed
            GROUP BY 1, 2, 3
        ),
        sums AS (
            SELECT scope, granularity, period, period_start,
                   sum(row_count) AS row_count, sum(quantity) AS quantity, sum(revenue) AS revenue
            FROM i
            GROUP BY 1, 2, 3, 4
        )
        INSERT INTO bi_period_totals AS t
            (scope, granularity, period, period_start, row_count, quantity, revenue, invoice_count)
        SELECT s.scope, s.granularity, s.period, s.period_start, s.row_count, s.quantity, s.revenue,
               coalesce(v.invoice_count, 0)
        FROM sums s LEFT JOIN invoices v USING (scope, granularity, period)
        ON CONFLICT ON CONSTRAINT bi_period_totals_key DO UPDATE
            SET row_count = t.row_count + excluded.row_count,
                quantity = t.quantity + excluded.quantity,
                revenue = t.revenue + excluded.revenue,
                invoice_count = t.invoice_count + excluded.invoice_count
    $q$, source),
    -- 2. per customer: bi_customer_invoices, then bi_customer_totals (rows with a customer only)
    format($q$
        WITH d AS (%s),
        g AS (
            SELECT sc.scope, d.customer_id, d.invoice_no, date_trunc('day', d.invoice_date) AS day,
                   sum(d.sign) AS row_count, sum(d.sign * d.quantity) AS quantity,
                   sum(d.sign * d.quantity * d.unit_price) AS revenue
            FROM d CROSS JOIN LATERAL (VALUES ('all' COLLATE "C"), ('sales')) AS sc (scope)
            WHERE d.customer_id IS NOT NULL
              AND (sc.scope = 'all' OR bi_in_sales_scope(d.invoice_no, d.quantity, d.unit_price, d.customer_id))
            GROUP BY 1, 2, 3, 4
        ),
        p AS (
            SELECT x.day, p.* FROM (SELECT DISTINCT day FROM g) AS x CROSS JOIN LATERAL bi_periods(x.day) AS p
            WHERE p.granularity <> 'hour'
        ),
        c AS (
            SELECT g.scope, p.granularity, p.period, p.period_start, g.customer_id, g.invoice_no,
                   sum(g.row_count) AS row_count, sum(g.quantity) AS quantity, sum(g.revenue) AS revenue
            FROM g JOIN p ON p.day = g.day
            GROUP BY 1, 2, 3, 4, 5, 6
            HAVING sum(g.row_count) <> 0 OR sum(g.quantity) <> 0 OR sum(g.revenue) <> 0
        ),
        changed AS (
            INSERT INTO bi_customer_invoices AS t (scope, granularity, period, invoice_no, customer_id, row_count)
            SELECT scope, granularity, period, invoice_no, customer_id, row_count FROM c WHERE row_count <> 0
            ON CONFLICT ON CONSTRAINT bi_customer_invoices_key DO UPDATE
                SET row_count = t.row_count + excluded.row_count
            RETURNING t.scope, t.granularity, t.period, t.customer_id,
                      (t.xmax = 0) AS appeared, (t.row_count = 0) AS emptied
        ),
        invoices AS (
            SELECT scope, granularity, period, customer_id,
                   count(*) FILTER (WHERE appeared) - count(*) FILTER (WHERE emptied) AS invoice_count
            FROM changed
            GROUP BY 1, 2, 3, 4
        ),
        sums AS (
            SELECT scope, granularity, period, period_start, customer_id,
                   sum(row_count) AS row_count, sum(quantity) AS quantity, sum(revenue) AS revenue
            FROM c
            GROUP BY 1, 2, 3, 4, 5
        )
        INSERT INTO bi_customer_totals AS t
            (scope, granularity, period, period_start, customer_id, row_count, quantity, revenue, invoice_count)
        SELECT s.scope, s.granularity, s.period, s.period_start, s.customer_id, s.row_count, s.quantity,
               s.revenue, coalesce(v.invoice_count, 0)
        FROM sums s LEFT JOIN invoices v USING (scope, granularity, period, customer_id)
        ON CONFLICT ON CONSTRAINT bi_customer_totals_key DO UPDATE
            SET row_count = t.row_count + excluded.row_count,
                quantity = t.quantity + excluded.quantity,
                revenue = t.revenue + excluded.revenue,
                invoice_count = t.invoice_count + excluded.invoice_count
    $q$, source),
    -- 3. per product
    format($q$
        WITH d AS (%s),
        g AS (
            SELECT sc.scope, d.stock_code, date_trunc('day', d.invoice_date) AS day,
                   sum(d.sign) AS row_count, sum(d.sign * d.quantity) AS quantity,
                   sum(d.sign * d.quantity * d.unit_price) AS revenue
            FROM d CROSS JOIN LATERAL (VALUES ('all' COLLATE "C"), ('sales')) AS sc (scope)
            WHERE sc.scope = 'all' OR bi_in_sales_scope(d.invoice_no, d.quantity, d.unit_price, d.customer_id)
            GROUP BY 1, 2, 3
        ),
        p AS (
            SELECT x.day, p.* FROM (SELECT DISTINCT day FROM g) AS x CROSS JOIN LATERAL bi_periods(x.day) AS p
            WHERE p.granularity <> 'hour'
        )
        INSERT INTO bi_product_totals AS t
            (scope, granularity, period, period_start, stock_code, row_count, quantity, revenue)
        SELECT g.scope, p.granularity, p.period, p.period_start, g.stock_code,
               sum(g.row_count), sum(g.quantity), sum(g.revenue)
        FROM g JOIN p ON p.day = g.day
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(g.row_count) <> 0 OR sum(g.quantity) <> 0 OR sum(g.revenue) <> 0
        ON CONFLICT ON CONSTRAINT bi_product_totals_key DO UPDATE
            SET row_count = t.row_count + excluded.row_count,
                quantity = t.quantity + excluded.quantity,
                revenue = t.revenue + excluded.revenue
    $q$, source),
    -- 4. product descriptions
    format($q$
        WITH d AS (%s)
        INSERT INTO bi_product_descriptions AS t (stock_code, description, row_count)
        SELECT d.stock_code, d.description, sum(d.sign)
        FROM d
        GROUP BY 1, 2
        HAVING sum(d.sign) <> 0
        ON CONFLICT ON CONSTRAINT bi_product_descriptions_key DO UPDATE
            SET row_count = t.row_count + excluded.row_count
    $q$, source),
    -- 5. removals only: delete what they emptied
    format($q$
        WITH d AS (%s),
        k AS (
            SELECT DISTINCT sc.scope, p.granularity, p.period, d.invoice_no
            FROM d CROSS JOIN LATERAL (VALUES ('all' COLLATE "C"), ('sales')) AS sc (scope)
                   CROSS JOIN LATERAL bi_periods(d.invoice_date) AS p
            WHERE d.sign < 0
              AND (sc.scope = 'all' OR bi_in_sales_scope(d.invoice_no, d.quantity, d.unit_price, d.customer_id))
        ),
        invoices AS (
            DELETE FROM bi_invoice_totals t USING k
            WHERE t.scope = k.scope AND t.granularity = k.granularity AND t.period = k.period
              AND t.invoice_no = k.invoice_no AND t.row_count = 0
        )
        DELETE FROM bi_period_totals t USING (SELECT DISTINCT scope, granularity, period FROM k) AS k
        WHERE t.scope = k.scope AND t.granularity = k.granularity AND t.period = k.period AND t.row_count = 0
    $q$, source),
    format($q$
        WITH d AS (%s),
        k AS (
            SELECT DISTINCT sc.scope, p.granularity, p.period, d.invoice_no, d.customer_id
            FROM d CROSS JOIN LATERAL (VALUES ('all' COLLATE "C"), ('sales')) AS sc (scope)
                   CROSS JOIN LATERAL bi_periods(d.invoice_date) AS p
            WHERE d.sign < 0 AND d.customer_id IS NOT NULL AND p.granularity <> 'hour'
              AND (sc.scope = 'all' OR bi_in_sales_scope(d.invoice_no, d.quantity, d.unit_price, d.customer_id))
        ),
        invoices AS (
            DELETE FROM bi_customer_invoices t USING k
            WHERE t.scope = k.scope AND t.granularity = k.granularity AND t.period = k.period
              AND t.invoice_no = k.invoice_no AND t.customer_id = k.customer_id AND t.row_count = 0
        )
        DELETE FROM bi_customer_totals t USING (SELECT DISTINCT scope, granularity, period, customer_id FROM k) AS k
        WHERE t.scope = k.scope AND t.granularity = k.granularity AND t.period = k.period
          AND t.customer_id = k.customer_id AND t.row_count = 0
    $q$, source),
    format($q$
        WITH d AS (%s),
        k AS (
            SELECT DISTINCT sc.scope, p.granularity, p.period, d.stock_code
            FROM d CROSS JOIN LATERAL (VALUES ('all' COLLATE "C"), ('sales')) AS sc (scope)
                   CROSS JOIN LATERAL bi_periods(d.invoice_date) AS p
            WHERE d.sign < 0 AND p.granularity <> 'hour'
              AND (sc.scope = 'all' OR bi_in_sales_scope(d.invoice_no, d.quantity, d.unit_price, d.customer_id))
        )
        DELETE FROM bi_product_totals t USING k
        WHERE t.scope = k.scope AND t.granularity = k.granularity AND t.period = k.period
          AND t.stock_code = k.stock_code AND t.row_count = 0
    $q$, source),
    format($q$
        WITH d AS (%s)
        DELETE FROM bi_product_descriptions t USING d
        WHERE d.sign < 0 AND t.stock_code = d.stock_code AND t.description = d.description AND t.row_count = 0
    $q$, source)
]
$fn$;

-- The trigger function: turns the statement's transition tables into a delta and applies it.
CREATE FUNCTION bi_apply_changes() RETURNS trigger
    LANGUAGE plpgsql
    SET work_mem = '32MB'
AS $fn$
DECLARE
    cols constant text := 'invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id';
    source text;
    statements text[];
    stmt text;
BEGIN
    -- One aggregate writer at a time (see the header); released at commit or rollback.
    PERFORM pg_advisory_xact_lock(7402150335117350001);
    IF TG_OP = 'INSERT' THEN
        source := format('SELECT 1 AS sign, %s FROM bi_new_rows', cols);
    ELSIF TG_OP = 'UPDATE' THEN
        source := format('SELECT -1 AS sign, %s FROM bi_old_rows UNION ALL SELECT 1, %s FROM bi_new_rows', cols, cols);
    ELSE
        source := format('SELECT -1 AS sign, %s FROM bi_old_rows', cols);
    END IF;
    statements := bi_delta_statements(source);
    IF TG_OP = 'INSERT' THEN
        statements := statements[1:4]; -- only additions: nothing can be emptied
    END IF;
    FOREACH stmt IN ARRAY statements LOOP
        EXECUTE stmt;
    END LOOP;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER bi_apply_inserts AFTER INSERT ON firehose_transactions
    REFERENCING NEW TABLE AS bi_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bi_apply_changes();
CREATE TRIGGER bi_apply_updates AFTER UPDATE ON firehose_transactions
    REFERENCING OLD TABLE AS bi_old_rows NEW TABLE AS bi_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bi_apply_changes();
CREATE TRIGGER bi_apply_deletes AFTER DELETE ON firehose_transactions
    REFERENCING OLD TABLE AS bi_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bi_apply_changes();

-- TRUNCATE has no transition table: empty the aggregates with it.
CREATE FUNCTION bi_truncate() RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    TRUNCATE bi_period_totals, bi_invoice_totals, bi_customer_invoices, bi_customer_totals,
             bi_product_totals, bi_product_descriptions;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER bi_apply_truncate AFTER TRUNCATE ON firehose_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION bi_truncate();

-- Recomputes every aggregate from firehose_transactions (repair, or to check the incremental ones).
CREATE FUNCTION bi_rebuild() RETURNS void
    LANGUAGE plpgsql
    SET work_mem = '128MB'
AS $fn$
DECLARE
    stmt text;
BEGIN
    PERFORM pg_advisory_xact_lock(7402150335117350001);
    LOCK TABLE firehose_transactions IN SHARE MODE;
    TRUNCATE bi_period_totals, bi_invoice_totals, bi_customer_invoices, bi_customer_totals,
             bi_product_totals, bi_product_descriptions;
    FOREACH stmt IN ARRAY (bi_delta_statements(
        'SELECT 1 AS sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id'
        || ' FROM firehose_transactions'))[1:4] LOOP
        EXECUTE stmt;
    END LOOP;
END
$fn$;

DO $$ BEGIN PERFORM bi_rebuild(); END $$;

-- ---------------------------------------------------------------------------------------------
-- The views. Filter on scope ('all' | 'sales'), granularity and period, then ORDER BY / LIMIT as
-- the question needs; rankings in CONTRACT.md are value descending, then key ascending (keys are
-- COLLATE "C", i.e. Java's String order). Money is exact numeric, unrounded.
-- ---------------------------------------------------------------------------------------------

-- Every row of firehose_transactions with whether it is in scope=sales (for ad-hoc BI).
CREATE VIEW bi_transactions AS
SELECT f.*, bi_in_sales_scope(f.invoice_no, f.quantity, f.unit_price, f.customer_id) AS in_sales_scope
FROM firehose_transactions f;

-- Revenue, rows and distinct invoices per period that has rows in the scope.
-- granularity: hour | day | month | year (and 'all': one all-time row).
CREATE VIEW bi_revenue AS
SELECT scope, granularity, period, period_start, revenue, row_count, invoice_count, quantity
FROM bi_period_totals;

-- Averages over the periods that had sales, i.e. the periods in which the scope has at least one
-- row (periods without any row, like nights and Sundays, do not count). granularity: hour | day |
-- month | year. average_* are numeric quotients (PostgreSQL keeps at least 16 significant digits).
CREATE VIEW bi_average_sales AS
SELECT scope, granularity,
       count(*)           AS periods,
       sum(revenue)       AS total_revenue,
       avg(revenue)       AS average_revenue,
       sum(row_count)     AS total_rows,
       avg(invoice_count) AS average_invoices
FROM bi_period_totals
WHERE granularity <> 'all'
GROUP BY scope, granularity;

-- A product's name: the description used on most of its rows (all rows, any scope), ignoring empty
-- descriptions unless it has no other; ties go to the smallest description (COLLATE "C").
CREATE VIEW bi_products AS
SELECT DISTINCT ON (stock_code) stock_code, description
FROM bi_product_descriptions
ORDER BY stock_code, (description = ''), row_count DESC, description;

-- Quantity, revenue and rows per product (stock code, case-sensitive) and period.
-- granularity: day | month | year | all (period 'all').
-- (The name is a scalar subquery rather than a join so that, under ORDER BY ... LIMIT, PostgreSQL
-- looks it up for the returned rows only.)
CREATE VIEW bi_product_sales AS
SELECT t.scope, t.granularity, t.period, t.period_start, t.stock_code,
       (SELECT d.description
        FROM bi_product_descriptions d
        WHERE d.stock_code = t.stock_code
        ORDER BY (d.description = ''), d.row_count DESC, d.description
        LIMIT 1) AS description,
       t.quantity, t.revenue, t.row_count
FROM bi_product_totals t;

-- Revenue and distinct invoices per customer and period; rows without a customer are left out.
-- granularity: day | month | year | all (period 'all').
CREATE VIEW bi_customer_sales AS
SELECT scope, granularity, period, period_start, customer_id, revenue, invoice_count, row_count, quantity
FROM bi_customer_totals;

-- Total value of each invoice's rows within the period and scope; customer_id is the invoice's
-- customer (the smallest if its rows name several; NULL when none does).
-- granularity: day | month | year | all (period 'all').
CREATE VIEW bi_invoice_sales AS
SELECT t.scope, t.granularity, t.period, t.period_start, t.invoice_no,
       (SELECT min(c.customer_id)
        FROM bi_customer_invoices c
        WHERE c.scope = t.scope AND c.granularity = t.granularity AND c.period = t.period
          AND c.invoice_no = t.invoice_no) AS customer_id,
       t.revenue AS total_value, t.row_count, t.quantity
FROM bi_invoice_totals t
WHERE t.granularity <> 'hour';
