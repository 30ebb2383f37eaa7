package com.ecommerce.pipeline.lake.compact;

/**
 * What one compaction did.
 *
 * @param archiveObjects archive objects found under the raw location
 * @param newObjects those not compacted before, read by this run
 * @param lines event lines in the new objects
 * @param repeatedInBatch lines superseded within the run: copies of an event (put on the stream twice) and
 *     older versions of a row changed later in the same run
 * @param alreadyInLake distinct rows of the run the table already held at that version or a newer one, or
 *     deleted before
 * @param added rows appended to the table
 * @param days invoice days the added rows fall on
 * @param updated rows replaced by a newer version (corrections)
 * @param deleted rows removed (deletions)
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
        long updated,
        long deleted,
        long tableRows) {

    /** One line for the command line. */
    public String describe(String table) {
        if (newObjects == 0) {
            return "nothing new: all %,d archive objects are compacted already; %s holds %,d rows"
                    .formatted(archiveObjects, table, tableRows);
        }
        return ("compacted %,d new archive objects (of %,d): %,d event lines, %,d repeated in them, %,d already"
                        + " in the lake; added %,d rows on %,d invoice days, corrected %,d, deleted %,d; %s holds %,d"
                        + " rows")
                .formatted(
                        newObjects,
                        archiveObjects,
                        lines,
                        repeatedInBatch,
                        alreadyInLake,
                        added,
                        days,
                        updated,
                        deleted,
                        table,
                        tableRows);
    }
}
