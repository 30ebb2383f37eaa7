package com.ecommerce.pipeline.client.cli;

/** What a subcommand of {@code pipeline} adds to the shared error handling (the entry point's). */
public interface Subcommand {

    /** One line shown after a bad command line. */
    String usageLine();

    /** Whether to print stack traces of unexpected errors. */
    default boolean debug() {
        return false;
    }
}
