package com.ecommerce.pipeline.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end run's sampling: every interval, rows accepted by ingest-service and rows written by each consumer
 * (one {@link Stats.Sample} per consumer, aligned), and the replay client's peak memory and CPU.
 */
final class ConsumerSampler {

    private final Stack stack;
    private final String ingestToken;
    private final Map<String, Long> clientPeak;
    private final Map<String, List<Stats.Sample>> samples = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong replayPid = new AtomicLong(-1);

    /** {@code clientPeak}: where the client's peak RSS ("rss", KiB) and CPU ("cpu", ms) go. */
    ConsumerSampler(Stack stack, String ingestToken, Map<String, Long> clientPeak) {
        this.stack = stack;
        this.ingestToken = ingestToken;
        this.clientPeak = clientPeak;
        for (String c : Stack.CONSUMER_ORDER) {
            samples.put(c, Collections.synchronizedList(new ArrayList<>()));
        }
    }

    /** Samples every {@code seconds} from now on, times counted from {@code t0} (a {@link System#nanoTime}). */
    void start(long t0, double seconds) {
        timer.scheduleAtFixedRate(() -> sample(t0), 0, (long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    /** The replay client's process, whose java descendant is sampled from now on. */
    void replay(long pid) {
        replayPid.set(pid);
    }

    void stop() {
        timer.shutdownNow();
    }

    /** Each consumer's samples so far, a copy (a sample taken as the timer stopped cannot change it). */
    Map<String, List<Stats.Sample>> snapshot() {
        Map<String, List<Stats.Sample>> copy = new LinkedHashMap<>();
        for (String c : Stack.CONSUMER_ORDER) {
            List<Stats.Sample> s = samples.get(c);
            synchronized (s) {
                copy.put(c, List.copyOf(s));
            }
        }
        return copy;
    }

    private void sample(long t0) {
        try {
            double t = (System.nanoTime() - t0) / 1e9;
            // Ingest first: a consumer read after it cannot have written rows the reading does not count yet.
            long ingested = stack.ingestedRows(ingestToken);
            for (String c : Stack.CONSUMER_ORDER) {
                long rows = stack.consumerRows(c);
                List<Stats.Sample> s = samples.get(c);
                if (rows < 0) { // no answer this time: its last count stands (keeps the consumers' samples aligned)
                    rows = s.isEmpty() ? 0 : s.get(s.size() - 1).rows();
                }
                s.add(new Stats.Sample(t, rows, ingested));
            }
            for (long p : ProcStats.withDescendants(replayPid.get())) {
                if (ProcStats.describe(p).equals("java")) {
                    clientPeak.merge("rss", ProcStats.peakRssKib(p), Math::max);
                    clientPeak.merge("cpu", (long) (ProcStats.cpuSeconds(p) * 1000), Math::max);
                }
            }
        } catch (RuntimeException e) {
            // a sample that could not be taken is simply missing
        }
    }
}
