package com.ecommerce.pipeline.client.replay;

import java.io.IOException;

/** Batches in file order (null at the end): a {@link BatchReader}, or a list in tests. */
@FunctionalInterface
public interface BatchSource {
    Batch next() throws IOException;
}
