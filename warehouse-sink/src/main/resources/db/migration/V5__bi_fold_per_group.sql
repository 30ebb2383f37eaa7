-- The BI summaries fold in four independent groups, each on its own (issue 14: the fold, not the load, is
-- what keeps warehouse-loader from its COPY ceiling).
--
-- The four groups of bi_delta_statements write disjoint tables:
--   1 bi_invoice_totals, bi_period_totals        (statements 1 and 5)
--   2 bi_customer_invoices, bi_customer_totals   (statements 2 and 6)
--   3 bi_product_totals                          (statements 3 and 7)
--   4 bi_product_descriptions                    (statements 4 and 8)
-- Folding 300,000 rows took 3.8, 3.6, 7.4 and 0.3 s of them (BiFoldCostIT): one transaction doing all four keeps
-- one core busy while the other waits. Now each pending delta row records which groups have folded it
-- (bi_pending.folded, bit g-1 for group g), and bi_fold_group(g) folds the rows its group has not folded yet,
-- oldest first, under a lock of its own, marks them and deletes the rows every group has folded, all in one
-- transaction. So each delta is applied to each group's tables exactly once, in id order within the group, and
-- groups run side by side (warehouse-loader folds each group on a thread of its own). While a backlog is folded
-- one group's tables may be ahead of another's; once nothing is pending, all are exact.
--
-- The marks are taken in id order (FOR UPDATE), so two groups finishing on the same rows wait for each other for
-- a moment and never deadlock. bi_fold() still folds every group, in one transaction (the tests, other writers);
-- bi_rebuild() waits for every fold.

ALTER TABLE bi_pending ADD COLUMN folded integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN bi_pending.folded IS 'the groups that have folded this delta: bit g-1 for bi_fold_group(g); 15 = all';

-- Applies group grp's statements to its pending deltas (up to about max_rows delta rows) and marks them; the
-- caller holds the group's lock. Returns the delta rows folded (0 if none was pending).
CREATE FUNCTION bi_fold_apply(grp integer, max_rows integer) RETURNS bigint
    LANGUAGE plpgsql
    SET work_mem = '128MB'
AS $fn$
DECLARE
    source constant text := 'SELECT u.* FROM bi_pending p CROSS JOIN LATERAL unnest(p.sign, p.invoice_no,'
        || ' p.stock_code, p.description, p.quantity, p.invoice_date, p.unit_price, p.customer_id)'
        || ' AS u (sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id)'
        || ' WHERE p.id = ANY ($1)';
    mask constant integer := 1 << (grp - 1);
    ids bigint[];
    delta_rows bigint;
    removals boolean;
    statements text[];
BEGIN
    SELECT array_agg(id), sum(row_count), bool_or(has_removals) INTO ids, delta_rows, removals
    FROM (SELECT id, row_count, has_removals, sum(row_count) OVER (ORDER BY id) - row_count AS before
          FROM bi_pending
          WHERE bi_pending.folded & mask = 0) AS p
    WHERE before < max_rows;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    statements := bi_delta_statements(source);
    EXECUTE statements[grp] USING ids;
    IF removals THEN
        EXECUTE statements[grp + 4] USING ids; -- only removals can empty a summary row
    END IF;
    UPDATE bi_pending SET folded = bi_pending.folded | mask
    WHERE id IN (SELECT id FROM bi_pending WHERE id = ANY (ids) ORDER BY id FOR UPDATE);
    DELETE FROM bi_pending WHERE id = ANY (ids) AND bi_pending.folded = 15;
    RETURN delta_rows;
END
$fn$;

CREATE FUNCTION bi_fold_group(grp integer, max_rows integer DEFAULT 100000) RETURNS bigint
    LANGUAGE plpgsql
AS $fn$
BEGIN
    IF grp NOT BETWEEN 1 AND 4 THEN
        RAISE EXCEPTION 'BI fold group % does not exist (1 to 4)', grp;
    END IF;
    IF NOT pg_try_advisory_xact_lock(7402150335117350001 + grp) THEN
        RETURN NULL;
    END IF;
    RETURN bi_fold_apply(grp, max_rows);
END
$fn$;

COMMENT ON FUNCTION bi_fold_group IS
    'folds the pending bi_pending deltas into one group''s bi_* summaries (1 invoices and periods, 2 customers,'
    ' 3 products, 4 product descriptions); NULL if that group is being folded';

-- Every group, in one transaction: the delta rows folded by the group that folded most, or NULL when a fold of any
-- group is running.
CREATE OR REPLACE FUNCTION bi_fold(max_rows integer DEFAULT 100000) RETURNS bigint
    LANGUAGE plpgsql
AS $fn$
DECLARE
    most bigint := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7402150335117350001) THEN -- V3's fold lock: still one bi_fold() at a time
        RETURN NULL;
    END IF;
    FOR grp IN 1..4 LOOP
        IF NOT pg_try_advisory_xact_lock(7402150335117350001 + grp) THEN
            RETURN NULL;
        END IF;
    END LOOP;
    FOR grp IN 1..4 LOOP
        most := greatest(most, bi_fold_apply(grp, max_rows));
    END LOOP;
    RETURN most;
END
$fn$;

-- V4's bi_rebuild(), waiting for the group folds too.
CREATE OR REPLACE FUNCTION bi_rebuild() RETURNS void
    LANGUAGE plpgsql
    SET work_mem = '128MB'
AS $fn$
DECLARE
    stmt text;
BEGIN
    PERFORM pg_advisory_xact_lock(7402150335117350001);
    FOR grp IN 1..4 LOOP
        PERFORM pg_advisory_xact_lock(7402150335117350001 + grp);
    END LOOP;
    LOCK TABLE firehose_transactions IN SHARE MODE;
    TRUNCATE bi_period_totals, bi_invoice_totals, bi_customer_invoices, bi_customer_totals,
             bi_product_totals, bi_product_descriptions;
    DELETE FROM bi_pending;
    FOREACH stmt IN ARRAY (bi_delta_statements(
        'SELECT 1 AS sign, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id'
        || ' FROM firehose_transactions WHERE NOT deleted'))[1:4] LOOP
        EXECUTE stmt;
    END LOOP;
END
$fn$;
