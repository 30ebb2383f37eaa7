package com.ecommerce.pipeline.client.cli;

/** The exit codes every subcommand shares (each command's help lists what they mean for it). */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;

    /** Did not complete (refused rows, a write that failed, an unexpected error). */
    public static final int INCOMPLETE = 1;

    /** A bad command line or bad input (a missing file, a store that cannot be read at all). */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {}
}
