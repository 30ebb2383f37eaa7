-- The warehouse table the loader fills: one row per event, keyed by the event id fixed at ingest, so
-- a redelivered or replayed event overwrites its own row instead of adding one (see WarehouseSink).
--
-- The eight dataset columns keep their exact values:
--   * unit_price is NUMERIC without a typmod, so it keeps the scale as written ("2.55", "18", "0.001")
--     and negative prices (the dataset's "Adjust bad debt" rows);
--   * quantity is INTEGER (the dataset ranges -80,995 .. 80,995, negatives are returns/cancellations);
--   * invoice_date is TIMESTAMP WITHOUT TIME ZONE: the dataset's local shop time, no zone attached;
--   * description and country are never NULL ('' when empty); customer_id is NULL when empty
--     (135,080 dataset rows have none).
-- Text keys use the "C" collation: byte order, which is Java's String order for these values, so a
-- "key ascending" tie-break sorts the same in SQL and in Java, whatever the database's locale.
--
-- line_total is generated from the row, in exact numeric arithmetic, so it can never disagree with it.
-- ingest_* say where the event entered the pipeline (IngestMetadata); loaded_at is when the current
-- version of the row was written (a replay of identical data does not touch it).
CREATE TABLE firehose_transactions (
    event_id               text COLLATE "C" NOT NULL,
    invoice_no             text COLLATE "C" NOT NULL,
    stock_code             text COLLATE "C" NOT NULL,
    description            text COLLATE "C" NOT NULL,
    quantity               integer          NOT NULL,
    invoice_date           timestamp        NOT NULL,
    unit_price             numeric          NOT NULL,
    customer_id            text COLLATE "C",
    country                text COLLATE "C" NOT NULL,
    line_total             numeric GENERATED ALWAYS AS (quantity * unit_price) STORED,
    ingest_idempotency_key text             NOT NULL,
    ingest_row             integer          NOT NULL,
    ingest_received_at     timestamptz      NOT NULL,
    ingest_source          text             NOT NULL,
    loaded_at              timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT firehose_transactions_pkey PRIMARY KEY (event_id)
);

COMMENT ON TABLE firehose_transactions IS
    'Every transaction event as ingested (dirt included), upserted by event_id by warehouse-loader';
COMMENT ON COLUMN firehose_transactions.line_total IS 'quantity * unit_price, exact';
COMMENT ON COLUMN firehose_transactions.loaded_at IS 'when this version of the row was written';

-- Ad-hoc BI and drill-down (an invoice's lines, a customer's rows, a time range). The dashboard's
-- aggregate questions are answered from the bi_* summary tables (V2), not by scanning this table.
CREATE INDEX firehose_transactions_invoice_date_idx ON firehose_transactions (invoice_date);
CREATE INDEX firehose_transactions_invoice_no_idx ON firehose_transactions (invoice_no);
CREATE INDEX firehose_transactions_customer_id_idx ON firehose_transactions (customer_id)
    WHERE customer_id IS NOT NULL;
