-- Corrections and deletions (docs/corrections.md): every row carries its version, and a deleted row stays as a
-- tombstone.
--
--   * version: 0 for the row as posted, +1 for each correction or deletion (assigned by ingest-service). The
--     loader's merge only ever raises it (ON CONFLICT ... WHERE excluded.version > version), so a redelivered,
--     replayed or re-posted older event (the original insert is version 0) never overwrites a newer one.
--   * deleted: the row's last image is kept with its version, so that an older event arriving later (a rebuild
--     reads the archive in its own order) still finds the higher version and loses. Tombstones count nowhere: the
--     BI deltas leave them out (a delete retracts the row's contribution, as a correction retracts the old one
--     and adds the new), bi_rebuild() skips them, and bi_transactions shows live rows only. Other readers of
--     firehose_transactions filter on NOT deleted.
ALTER TABLE firehose_transactions
    ADD COLUMN version bigint  NOT NULL DEFAULT 0,
    ADD COLUMN deleted boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN firehose_transactions.version IS 'the row''s version: 0 as posted, +1 per correction or deletion';
COMMENT ON COLUMN firehose_transactions.deleted IS 'a tombstone: deleted at this version; counted nowhere';

-- V3's trigger function, with the tombstones left out of every delta.
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
        WHERE NOT deleted
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
              WHERE NOT deleted
              UNION ALL
              SELECT 1, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id
              FROM bi_new_rows
              WHERE NOT deleted) AS d
        HAVING count(*) > 0;
    ELSE
        INSERT INTO bi_pending (row_count, has_removals, sign, invoice_no, stock_code, description, quantity,
                                invoice_date, unit_price, customer_id)
        SELECT count(*), true, array_agg(-1), array_agg(invoice_no), array_agg(stock_code),
               array_agg(description), array_agg(quantity), array_agg(invoice_date), array_agg(unit_price),
               array_agg(customer_id)
        FROM bi_old_rows
        WHERE NOT deleted
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$fn$;

-- V3's bi_rebuild(), over live rows only.
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
        || ' FROM firehose_transactions WHERE NOT deleted'))[1:4] LOOP
        EXECUTE stmt;
    END LOOP;
END
$fn$;

-- Live rows only (f.* now also has version and deleted, so the view is made again).
DROP VIEW bi_transactions;
CREATE VIEW bi_transactions AS
SELECT f.*, bi_in_sales_scope(f.invoice_no, f.quantity, f.unit_price, f.customer_id) AS in_sales_scope
FROM firehose_transactions f
WHERE NOT f.deleted;
