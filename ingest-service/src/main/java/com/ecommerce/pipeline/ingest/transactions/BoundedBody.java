package com.ecommerce.pipeline.ingest.transactions;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.util.unit.DataSize;

/** Reads a request body but refuses to buffer more than the limit (chunked bodies have no length). */
final class BoundedBody {
    private BoundedBody() {}

    static byte[] read(InputStream in, DataSize limit) throws IOException {
        long max = limit.toBytes();
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) {
            throw new RequestTooLargeException("request body is larger than " + limit);
        }
        return bytes;
    }
}
