package com.ecommerce.pipeline.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The figures of `./pipeline replay`'s closing summary (the last one, when its output holds several runs). */
final class ReplaySummary {

    private static final Pattern ACCEPTED = Pattern.compile("accepted\\s+([\\d,]+)");
    private static final Pattern ELAPSED = Pattern.compile("elapsed\\s+([\\d.]+) s");
    private static final Pattern RETRIES = Pattern.compile("([\\d,]+) retries");

    private ReplaySummary() {}

    /** Rows the service accepted; -1 when the output does not say. */
    static long accepted(String out) {
        Matcher m = ACCEPTED.matcher(out);
        long v = -1;
        while (m.find()) {
            v = Long.parseLong(m.group(1).replace(",", ""));
        }
        return v;
    }

    /** The client's own elapsed seconds; null when the output does not say. */
    static Double elapsed(String out) {
        Matcher m = ELAPSED.matcher(out);
        Double v = null;
        while (m.find()) {
            v = Double.parseDouble(m.group(1));
        }
        return v;
    }

    /** The retries its summary counts ("… in N batches, M retries"); -1 when the output does not say. */
    static int retries(String out) {
        Matcher m = RETRIES.matcher(out);
        int v = -1;
        while (m.find()) {
            v = Integer.parseInt(m.group(1).replace(",", ""));
        }
        return v;
    }
}
