package com.ecommerce.pipeline.client.replay;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Rows done so far, with rows/s and ETA, on stderr: a live bar on a terminal, periodic lines otherwise. */
public interface Progress extends AutoCloseable {

    /** How progress is shown ({@code --progress}). */
    enum Mode {
        /** A bar when stderr looks like a terminal, lines otherwise. */
        AUTO,
        /** A live bar (needs a terminal). */
        BAR,
        /** A plain line every few seconds (CI, logs). */
        LINES,
        NONE;

        Mode resolve() {
            if (this != AUTO) {
                return this;
            }
            // Java 17's System.console() is non-null only if stdin and stdout are terminals; ./pipeline
            // tests stderr itself and passes --progress bar or lines. CI=true always gets lines.
            boolean ci = System.getenv("CI") != null && !System.getenv("CI").isBlank();
            return !ci && System.console() != null ? BAR : LINES;
        }
    }

    void advance(long rows);

    /** A short status after the numbers ("retrying rows 500-999: HTTP 503"). */
    void status(String message);

    @Override
    void close();

    /**
     * @param totalRows rows expected, or a non-positive number if unknown
     * @param lineIntervalSeconds how often a line is printed in {@link Mode#LINES}
     */
    static Progress create(Mode mode, long totalRows, PrintWriter err, int lineIntervalSeconds) {
        Mode resolved = mode.resolve();
        if (resolved == Mode.NONE) {
            return none();
        }
        ProgressBarBuilder builder = ProgressBar.builder()
                .setTaskName("replay")
                .setInitialMax(totalRows > 0 ? totalRows : -1)
                .setUnit(" rows", 1)
                .showSpeed(new java.text.DecimalFormat("#,##0"))
                .setSpeedUnit(ChronoUnit.SECONDS);
        if (resolved == Mode.BAR) {
            builder.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(stderr()) {
                        private String last;

                        @Override
                        public void accept(String rendered) {
                            if (!rendered.equals(last)) { // the library renders the final state twice
                                last = rendered;
                                super.accept(rendered);
                            }
                        }
                    });
        } else {
            builder.setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(lineIntervalSeconds * 1000)
                    .setConsumer(new DelegatingProgressBarConsumer(
                            new java.util.function.Consumer<>() {
                                private String last;

                                @Override
                                public void accept(String rendered) {
                                    String line = rendered.stripTrailing();
                                    if (!line.equals(last)) {
                                        last = line;
                                        err.println(line);
                                        err.flush();
                                    }
                                }
                            },
                            120));
        }
        ProgressBar bar = builder.build();
        return new Progress() {
            @Override
            public void advance(long rows) {
                bar.stepBy(rows);
            }

            @Override
            public void status(String message) {
                bar.setExtraMessage(message == null ? "" : " " + message);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    static Progress none() {
        return new Progress() {
            @Override
            public void advance(long rows) {}

            @Override
            public void status(String message) {}

            @Override
            public void close() {}
        };
    }

    private static PrintStream stderr() {
        return System.err;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
