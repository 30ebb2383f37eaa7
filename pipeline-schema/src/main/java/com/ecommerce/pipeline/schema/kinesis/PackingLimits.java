package com.ecommerce.pipeline.schema.kinesis;

/**
 * How much {@link RecordPacker} puts into one Kinesis record.
 *
 * @param maxRowsPerRecord at least 1
 * @param maxUncompressedBytesPerRecord the newline-delimited JSON before gzip, 1..{@value
 *     #MAX_UNCOMPRESSED_BYTES}; gzip never grows data by more than a few bytes per 16 KiB, so with this
 *     cap the payload always fits Kinesis's 1 MiB record limit (data plus a partition key of up to 256
 *     characters) even if the rows were incompressible
 */
public record PackingLimits(int maxRowsPerRecord, int maxUncompressedBytesPerRecord) {

    public static final int MAX_UNCOMPRESSED_BYTES = 1_000_000;

    public PackingLimits {
        if (maxRowsPerRecord < 1) {
            throw new IllegalArgumentException("maxRowsPerRecord must be >= 1, was " + maxRowsPerRecord);
        }
        if (maxUncompressedBytesPerRecord < 1 || maxUncompressedBytesPerRecord > MAX_UNCOMPRESSED_BYTES) {
            throw new IllegalArgumentException("maxUncompressedBytesPerRecord must be in 1.." + MAX_UNCOMPRESSED_BYTES
                    + ", was " + maxUncompressedBytesPerRecord);
        }
    }

    /** 1,000 rows or 900,000 bytes, whichever comes first. */
    public static PackingLimits defaults() {
        return new PackingLimits(1000, 900_000);
    }
}
