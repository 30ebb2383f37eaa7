-- BI summaries folded from a delta log, off the writers' path (issue 14).
--
-- Until V2 the statement triggers applied every statement's delta to the summary tables inside the
-- writing transaction, under one advisory lock: the loader's four shards took turns, and every
-- batch's ~2.5 summary upserts per row were paid in full however few keys the batches shared.
--
-- Now a write only records its delta, and one folder at a time applies all pending deltas at once:
--
--   * The statement triggers (unchanged: INSERT, UPDATE, DELETE on firehose_transactions, with
--     transition tables) append ONE row to bi_pending per statement: the statement's rows as arrays
--     (+1 x each inserted row and each new version, -1 x each old version and each deleted row). Only
--     the rows the statement actually wrote are in the transition tables, so a replay that changes
--     nothing records nothing. The row commits or rolls back with the write: no lock is taken but
--     the append's own, so concurrent writers (the loader's shards) never wait for each other here.
--   * bi_fold() takes the fold lock (a transaction-scoped advisory lock; if another fold holds it,
--     it returns NULL at once), reads the ids of the pending rows committed so far, applies their
--     rows through bi_delta_statements (V2: summed per key, then one upsert per summary key) and
--     deletes those pending rows, in one transaction: each delta is folded exactly once. A fold
--     covers every batch committed since the last one, so the more writers load, the fewer summary
--     upserts per row it makes (keys shared by batches are written once).
--   * warehouse-loader folds on a thread of its own, again and again while deltas are pending (each
--     fold takes up to max_rows delta rows), else every second; the shards' threads only load. So the
--     BI views trail firehose_transactions by what is pending: about a second when the loader keeps
--     up, more while it drains a backlog (see its README for measured figures). Anyone else who
--     writes the table directly (a manual fix, a future CDC delete) has the change folded by the
--     loader's next fold, or can call SELECT bi_fold() themselves.
--
-- The views and summary tables query-api reads are unchanged.

CREATE TABLE bi_pending (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    row_count    integer   NOT NULL,
    has_removals boolean   NOT NULL,
    sign         integer[] NOT NULL,
    invoice_no   text[]    COLLATE "C" NOT NULL,
    stock_code   text[]    COLLATE "C" NOT NULL,
    description  text[]    COLLATE "C" NOT NULL,
    quantity     integer[] NOT NULL,
    invoice_date timestamp[] NOT NULL,
    unit_price   numeric[] NOT NULL,
    customer_id  text[]    COLLATE "C" NOT NULL, -- elements NULL for rows without a customer
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

COMMENT ON TABLE bi_pending IS
    'BI deltas of committed writes to firehose_transactions not yet folded into the bi_* summaries (bi_fold())';

-- The trigger function now only records the statement's delta (V2's triggers call it by name).
CREATE OR REPLACE FUNCTION bi_apply_changes() RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO bi_pending (row_count, has_removals, sign, invoice_no, stock_code, description, quantity,
                                invoice_date, unit_price, customer_id)
        SELECT count(*), false, array_agg(1), array_agg(invoice_no), array_agg(stock_code),
               array_agg(description), array_agg(quantity), array_agg(invoice_date), array_agg(unit_price),
               array_agg(customer_id)
        FROM bi_new_rows
        HAVING count(*) > 0;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO bi_pending (row_count, has_removals, sign, invoice_no, stock_code, description, quantity,
                                invoice_date, unit_price, customer_id)
        SELECT count(*), true, array_agg(sign), array_agg(invoice_no), array_agg(stock_code),
               array_agg(description), array_agg(quantity), array_agg(invoice_date), array_agg(unit_price),
               array_agg(customer_id)
        FROM (SELECT -1 AS sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price,
                     customer_id
              FROM bi_old_rows
              UNION ALL
              SELECT 1, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id
              FROM bi_new_rows) AS d
        HAVING count(*) > 0;
    ELSE
        INSERT INTO bi_pending (row_count, has_removals, sign, invoice_no, stock_code, description, quantity,
                                invoice_date, unit_price, customer_id)
        SELECT count(*), true, array_agg(-1), array_agg(invoice_no), array_agg(stock_code),
               array_agg(description), array_agg(quantity), array_agg(invoice_date), array_agg(unit_price),
               array_agg(customer_id)
        FROM bi_old_rows
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$fn$;

-- Folds the pending deltas committed so far, oldest first, up to about max_rows delta rows (at least
-- one pending row) into the summaries; returns the number of delta rows folded, or NULL when another
-- fold holds the lock (that one, or the next, folds them). Deltas that depend on each other are folded
-- in order: a change to a row can only be recorded after the write that created it committed, so its
-- pending id is higher.
CREATE FUNCTION bi_fold(max_rows integer DEFAULT 100000) RETURNS bigint
    LANGUAGE plpgsql
    SET work_mem = '128MB'
AS $fn$
DECLARE
    source constant text := 'SELECT u.* FROM bi_pending p CROSS JOIN LATERAL unnest(p.sign, p.invoice_no,'
        || ' p.stock_code, p.description, p.quantity, p.invoice_date, p.unit_price, p.customer_id)'
        || ' AS u (sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id)'
        || ' WHERE p.id = ANY ($1)';
    ids bigint[];
    folded bigint;
    removals boolean;
    statements text[];
    stmt text;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7402150335117350001) THEN
        RETURN NULL;
    END IF;
    -- The set is fixed by its ids: rows committed later wait for the next fold.
    SELECT array_agg(id), sum(row_count), bool_or(has_removals) INTO ids, folded, removals
    FROM (SELECT id, row_count, has_removals, sum(row_count) OVER (ORDER BY id) - row_count AS before
          FROM bi_pending) AS p
    WHERE before < max_rows;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    statements := bi_delta_statements(source);
    IF NOT removals THEN
        statements := statements[1:4]; -- only additions: nothing can be emptied
    END IF;
    FOREACH stmt IN ARRAY statements LOOP
        EXECUTE stmt USING ids;
    END LOOP;
    DELETE FROM bi_pending WHERE id = ANY (ids);
    RETURN folded;
END
$fn$;

COMMENT ON FUNCTION bi_fold IS
    'applies every committed bi_pending delta to the bi_* summaries once; NULL if another fold is running';

-- Recomputes every aggregate from firehose_transactions; pending deltas are part of what it reads, so
-- they are dropped with it (writers are held off by the SHARE lock, folds by the fold lock).
CREATE OR REPLACE FUNCTION bi_rebuild() RETURNS void
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
    DELETE FROM bi_pending;
    FOREACH stmt IN ARRAY (bi_delta_statements(
        'SELECT 1 AS sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id'
        || ' FROM firehose_transactions'))[1:4] LOOP
        EXECUTE stmt;
    END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION bi_truncate() RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    TRUNCATE bi_period_totals, bi_invoice_totals, bi_customer_invoices, bi_customer_totals,
             bi_product_totals, bi_product_descriptions, bi_pending;
    RETURN NULL;
END
$fn$;

COMMENT ON TABLE bi_period_totals IS 'folded from bi_pending by bi_fold(); read the bi_* views';
COMMENT ON TABLE bi_invoice_totals IS 'folded from bi_pending by bi_fold(); read the bi_* views';
COMMENT ON TABLE bi_customer_invoices IS 'folded from bi_pending by bi_fold(); read the bi_* views';
COMMENT ON TABLE bi_customer_totals IS 'folded from bi_pending by bi_fold(); read the bi_* views';
COMMENT ON TABLE bi_product_totals IS 'folded from bi_pending by bi_fold(); read the bi_* views';
COMMENT ON TABLE bi_product_descriptions IS 'folded from bi_pending by bi_fold(); read the bi_* views';
