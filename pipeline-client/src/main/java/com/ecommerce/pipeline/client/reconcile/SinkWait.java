package com.ecommerce.pipeline.client.reconcile;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@code reconcile --wait}: reads the stream's backlog every poll until no row is in flight to any sink (each
 * consumer has checkpointed the whole stream, so its sink has stopped moving), or no consumer's checkpoint has
 * moved for a while (a consumer down or stuck: waiting longer would not change the judgment), or the timeout
 * passes. One progress line per poll on stderr.
 *
 * <p>A consumer that has never checkpointed (its lease table missing, or every shard still at TRIM_HORIZON) is
 * taken to be starting, not stuck: a new KCL lease table takes 40 s and more to hand out its leases, so right after
 * {@code ./pipeline up --replay} nothing may move for a minute. Only the timeout ends a wait for it.
 */
final class SinkWait {

    private final StreamBacklog backlog;
    private final Duration poll;
    private final Duration stalled;
    private final PrintWriter progress;

    SinkWait(StreamBacklog backlog, Duration poll, int stalledSeconds, PrintWriter progress) {
        this.backlog = backlog;
        this.poll = poll;
        this.stalled = Duration.ofSeconds(stalledSeconds);
        this.progress = progress;
    }

    /** The last snapshot read: the one the judgment uses. */
    StreamBacklog.Snapshot await(Duration timeout) {
        long start = System.nanoTime();
        long lastMove = start;
        Map<String, Map<String, String>> lastCheckpoints = null;
        while (true) {
            StreamBacklog.Snapshot s = backlog.read();
            long now = System.nanoTime();
            if (!Objects.equals(s.checkpoints(), lastCheckpoints)) {
                lastCheckpoints = s.checkpoints();
                lastMove = now;
            }
            String waited = String.format(Locale.ROOT, "%.0f s", (now - start) / 1e9);
            if (s.totalInFlight() == 0) {
                line("every sink has caught up with the stream after " + waited);
                return s;
            }
            String status = "rows in flight: "
                    + s.inFlight().entrySet().stream()
                            .map(e -> String.format(
                                    Locale.ROOT,
                                    "%s %,d",
                                    e.getKey(),
                                    e.getValue().size()))
                            .collect(Collectors.joining(", "));
            if (Duration.ofNanos(now - lastMove).compareTo(stalled) >= 0 && !starting(s)) {
                line("no sink has moved for " + stalled.toSeconds() + " s (is a consumer down?); " + status
                        + "; judging now");
                return s;
            }
            if (Duration.ofNanos(now - start).compareTo(timeout) >= 0) {
                line("waited " + waited + " (--wait " + timeout.toSeconds() + " s); " + status + "; judging now");
                return s;
            }
            line("waiting for the sinks (" + waited + "): " + status);
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
        }
    }

    /** Whether a sink with rows in flight has a consumer that has not checkpointed anything yet. */
    static boolean starting(StreamBacklog.Snapshot s) {
        return s.inFlight().entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .anyMatch(e -> s.checkpoints().getOrDefault(e.getKey(), Map.of()).values().stream()
                        .allMatch(StreamBacklog.TRIM_HORIZON::equals));
    }

    private void line(String text) {
        progress.println("pipeline reconcile: " + text);
        progress.flush();
    }
}
