package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code reconcile --repair}: which events to re-publish, and re-publishing them.
 *
 * <p>What is re-published: every expected event missing from at least one sink (neither held nor in flight to it),
 * together with the other rows of its group, the rows of its invoice in the same request (caller, idempotency key).
 * The operational store writes a group's rows as {@link com.ecommerce.pipeline.schema.kinesis.InvoicePieces pieces}, one
 * item each, named by their first row: re-publishing the whole group makes the consumer cut the same pieces and put
 * the same items (and customer summaries) again, where a part of a group would make another piece holding lines
 * already stored, counted twice. Every sink is idempotent for the rest: the warehouse merges by event id (the same
 * row changes nothing, and records no BI delta), DynamoDB puts the same items, and the archive, which names objects by
 * stream position, keeps a second copy of an event it held already: an extra copy, not a difference, as for any
 * re-posted request (its readers dedupe by event id).
 *
 * <p>What it cannot repair: the events of a source that cannot be read again (the file changed or is gone: its
 * event ids cannot be derived, so neither can its rows), and events no source accounts for (posted to the API
 * directly): those stay listed as differences.
 */
final class Repair {

    /** Events per PutRecords round: bounds the memory a repair of a whole stream takes. */
    private static final int CHUNK = 10_000;

    private Repair() {}

    /**
     * @param needed the expected events missing from at least one sink, by index
     * @param groups their groups
     * @param missing per sink (report order), how many expected events it lacked
     */
    record Plan(BitSet needed, Set<String> groups, long[] missing, List<String> sinks) {

        boolean isEmpty() {
            return needed.isEmpty();
        }

        String describe(String stream) {
            StringBuilder perSink = new StringBuilder();
            for (int s = 0; s < sinks.size(); s++) {
                perSink.append(s == 0 ? "" : ", ")
                        .append(sinks.get(s))
                        .append(' ')
                        .append(String.format(Locale.ROOT, "%,d", missing[s]));
            }
            return String.format(
                    Locale.ROOT,
                    "repair: %,d events missing from at least one sink (%s); re-publishing them onto the stream %s"
                            + " with the other rows of their %,d invoices' requests",
                    needed.cardinality(),
                    perSink,
                    stream,
                    groups.size());
        }
    }

    /** What a repair put on the stream. */
    record Result(long published, long neededPublished, long neededNotDerived) {

        String describe(long records) {
            return String.format(
                    Locale.ROOT,
                    "repair: re-published %,d events (%,d of them missing somewhere) in %,d records",
                    published,
                    neededPublished,
                    records);
        }
    }

    /** Derives a source's events again into {@code expected}. */
    @FunctionalInterface
    interface Sources {
        void addTo(ExpectedEvents expected) throws IOException;
    }

    static Plan plan(ExpectedEvents expected, List<SinkContents> sinks) {
        BitSet needed = new BitSet(expected.size());
        long[] missing = new long[sinks.size()];
        for (int s = 0; s < sinks.size(); s++) {
            BitSet m = sinks.get(s).missingIds();
            missing[s] = m.cardinality();
            needed.or(m);
        }
        Set<String> groups = new HashSet<>();
        for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
            groups.add(expected.group(i));
        }
        return new Plan(needed, groups, missing, sinks.stream().map(x -> x.name).toList());
    }

    /**
     * Derives every source again and re-publishes the events of the planned groups, in source order, a request's
     * rows never split between two rounds.
     */
    static Result publish(Plan plan, ExpectedEvents judged, Sources sources, RepairPublisher publisher)
            throws IOException {
        List<TransactionEvent> chunk = new ArrayList<>();
        BitSet derived = new BitSet();
        long[] published = {0};
        String[] lastKey = {null};
        ExpectedEvents again = ExpectedEvents.deriving((group, event) -> {
            if (!plan.groups().contains(group)) {
                return;
            }
            String key = event.ingest().idempotencyKey();
            if (chunk.size() >= CHUNK && !key.equals(lastKey[0])) {
                publisher.publish(chunk);
                published[0] += chunk.size();
                chunk.clear();
            }
            lastKey[0] = key;
            chunk.add(event);
            int i = judged.indexOf(event.eventId());
            if (i >= 0 && plan.needed().get(i)) {
                derived.set(i);
            }
        });
        sources.addTo(again);
        publisher.publish(chunk);
        published[0] += chunk.size();
        BitSet notDerived = (BitSet) plan.needed().clone();
        notDerived.andNot(derived);
        return new Result(published[0], derived.cardinality(), notDerived.cardinality());
    }

    /** One line per sink: how many events it lacked before the repair, and how many it lacks now. */
    static void printRepaired(PrintWriter out, ReconcileCommand.Judgement before, ReconcileCommand.Judgement after) {
        for (int s = 0; s < before.sinks().size(); s++) {
            SinkContents b = before.sinks().get(s);
            SinkContents a = after.sinks().get(s);
            long was = b.missing();
            long now = a.missing();
            out.printf(
                    Locale.ROOT,
                    "repaired %s: %,d of %,d missing events now held; %,d still missing, %,d in flight%n",
                    a.name,
                    Math.max(0, was - now),
                    was,
                    now,
                    a.inFlightCount());
        }
    }

    /** One line per thing the repair could not bring back (nothing printed when there is none). */
    static void printNotRepaired(PrintWriter out, ReconcileCommand.Judgement j, Result result) {
        for (ExpectedEvents.Source src : j.expected().sources()) {
            if (src.problem() != null) {
                out.println("not repaired: " + src.label() + ": " + src.problem()
                        + " (its rows cannot be derived again, so cannot be re-published)");
            }
        }
        if (result != null && result.neededNotDerived() > 0) {
            out.printf(
                    Locale.ROOT,
                    "not repaired: %,d missing events were not derived again from their source (it changed during"
                            + " the repair)%n",
                    result.neededNotDerived());
        }
        for (SinkContents sink : j.sinks()) {
            if (result != null && sink.missing() > 0) {
                out.printf(
                        Locale.ROOT,
                        "not repaired: %s still lacks %,d events after the repair (listed above; is its consumer"
                                + " down, or its sink refusing them?)%n",
                        sink.name,
                        sink.missing());
            }
            if (result != null && sink.inFlightCount() > 0) {
                out.printf(
                        Locale.ROOT,
                        "not repaired: %,d events are still in flight to %s after the wait (its consumer has not"
                                + " checkpointed them)%n",
                        sink.inFlightCount(),
                        sink.name);
            }
            if (!sink.extras.isEmpty()) {
                out.printf(
                        Locale.ROOT,
                        "not repaired: %s holds %,d event ids no source accounts for (posted to the API directly, or"
                                + " by a replay not recorded here); a repair re-publishes only what a source derives%n",
                        sink.name,
                        sink.extras.size());
            }
        }
    }
}
