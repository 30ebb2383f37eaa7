package com.ecommerce.pipeline.lake.compact;

/**
 * What one compaction did.
 *
 * @param archiveObjects archive objects found under the raw location
 * @param newObjects those not compacted before, read by this run
 * @param lines event lines in the new objects
 * @param repeatedInBatch lines whose event id came earlier in the same run (events put on the stream twice)
 * @param alreadyInLake distinct events of the run the table already held
 * @param added rows appended to the table
 * @param days invoice days the added rows fall on
 * @param tableRows the table's rows afterwards
 */
public record CompactionResult(
        long archiveObjects,
        long newObjects,
        long lines,
        long repeatedInBatch,
        long alreadyInLake,
        long added,
        long days,
        long tableRows) {

    /** One line for the command line. */
    public String describe(String table) {
        if (newObjects == 0) {
            return "nothing new: all %,d archive objects are compacted already; %s holds %,d rows"
                    .formatted(archiveObjects, table, tableRows);
        }
        return ("compacted %,d new archive objects (of %,d): %,d event lines, %,d repeated in them, %,d already"
                        + " in the lake; added %,d rows on %,d invoice days; %s holds %,d rows")
                .formatted(
                        newObjects,
                        archiveObjects,
                        lines,
                        repeatedInBatch,
                        alreadyInLake,
                        added,
                        days,
                        table,
                        tableRows);
    }
}
