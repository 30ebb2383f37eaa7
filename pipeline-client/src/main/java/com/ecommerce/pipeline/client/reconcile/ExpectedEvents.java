package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.replay.BadFileException;
import com.ecommerce.pipeline.client.replay.Batch;
import com.ecommerce.pipeline.client.replay.BatchReader;
import com.ecommerce.pipeline.client.replay.FileFingerprint;
import com.ecommerce.pipeline.client.replay.ReplayCommand;
import com.ecommerce.pipeline.dynamostore.RowVersionItems.RowVersion;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.ImportContent;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Every event id the sources put on the stream, derived again from the sources themselves: each file of
 * {@code .pipeline/replays.jsonl} is read again and batched as the replay did (same {@code --batch},
 * the longest {@code --limit}), so its keys and ids are re-derived from the file and the caller the replay
 * recorded; each completed import is read again from the import bucket and gives its ids from its content
 * hash, batch size and rows (an import publishes all rows or none).
 * Each id remembers its source, its file row and its group: the rows of one invoice in one request (caller and
 * idempotency key), which the operational store writes as whole pieces, so a repair re-publishes whole groups
 * ({@link Repair}).
 */
public final class ExpectedEvents {

    /** A source file: what it is, how many rows it sent, and a note when it could not be read again. */
    public record Source(String label, long rows, String problem) {}

    private final List<Source> sources = new ArrayList<>();
    private final EventIdIndex ids = new EventIdIndex();
    private int[] sourceOf = new int[1024];
    private long[] rowOf = new long[1024];
    private int[] groupOf = new int[1024];
    private final Map<String, Integer> groupIndex = new HashMap<>();
    private final List<String> groups = new ArrayList<>();
    private final Set<String> invoices = new HashSet<>();
    /** When set, told every event as derived again, with its group (see {@link #deriving}). */
    private Derived listener;
    /** The receipt time the events derived again carry: the source does not keep the original one. */
    private final Instant derivedAt = Instant.now();
    /** The final state of each changed row (row-versions), by position. */
    private final Map<Integer, RowVersion> finals = new HashMap<>();
    /** The positions of deleted rows. */
    private final BitSet deleted = new BitSet();
    /** Changed rows that no source accounts for. */
    private final Map<String, RowVersion> unknownChanged = new HashMap<>();

    /** Told every distinct expected event as derived from its source, in source order. */
    @FunctionalInterface
    interface Derived {
        void event(String group, TransactionEvent event);
    }

    /**
     * Expected events that also hand each event, whole, to {@code listener} as it is derived: the same event id,
     * transaction, idempotency key, row, caller and source as ingest gave it; {@code receivedAt} is the time of
     * this derivation (the file does not keep the original, and no sink's identity depends on it).
     */
    static ExpectedEvents deriving(Derived listener) {
        ExpectedEvents e = new ExpectedEvents();
        e.listener = listener;
        return e;
    }

    public List<Source> sources() {
        return sources;
    }

    public int size() {
        return ids.size();
    }

    /** The position of an event id among the expected ones, or -1. */
    public int indexOf(String eventId) {
        return ids.indexOf(eventId);
    }

    public String id(int i) {
        return ids.id(i);
    }

    public int source(int i) {
        return sourceOf[i];
    }

    public long fileRow(int i) {
        return rowOf[i];
    }

    /** The group of the event at {@code i}: its caller, idempotency key and InvoiceNo. */
    public String group(int i) {
        return groups.get(groupOf[i]);
    }

    /**
     * The final state of every changed row ({@code row-versions}, the authority on it): a changed row is expected
     * at its final version, image and invoice, or, deleted, absent. Call after every source was added; the final
     * invoices join {@link #invoices()}.
     */
    public void changed(Map<String, RowVersion> rows) {
        rows.forEach((eventId, row) -> {
            int i = indexOf(eventId);
            if (i < 0) {
                unknownChanged.put(eventId, row);
                return;
            }
            finals.put(i, row);
            if (row.deleted()) {
                deleted.set(i);
            }
            invoices.add(row.event().transaction().invoiceNo());
        });
    }

    /** The final state of the row at {@code i} when it was changed, else null (live at version 0). */
    public RowVersion finalState(int i) {
        return finals.get(i);
    }

    /** The positions of the rows whose final state is a deletion. */
    public BitSet deletedIds() {
        return deleted;
    }

    /** How many expected rows were changed. */
    public int changedCount() {
        return finals.size();
    }

    /** Changed rows (row-versions) of event ids no source accounts for. */
    public Map<String, RowVersion> unknownChanged() {
        return unknownChanged;
    }

    /** The invoice numbers of the replayed and imported rows. */
    public Set<String> invoices() {
        return invoices;
    }

    private void add(String caller, String key, int row, Transaction t, String how, int source, long fileRow) {
        String eventId = EventIds.of(caller, key, row, t);
        int i = ids.add(eventId);
        if (i < 0) {
            return; // the same row from an overlapping replay (another --limit): the same event
        }
        if (i == sourceOf.length) {
            sourceOf = java.util.Arrays.copyOf(sourceOf, i * 2);
            rowOf = java.util.Arrays.copyOf(rowOf, i * 2);
            groupOf = java.util.Arrays.copyOf(groupOf, i * 2);
        }
        sourceOf[i] = source;
        rowOf[i] = fileRow;
        String group = caller + '\n' + key + '\n' + t.invoiceNo();
        Integer g = groupIndex.putIfAbsent(group, groups.size());
        if (g == null) {
            g = groups.size();
            groups.add(group);
        }
        groupOf[i] = g;
        invoices.add(t.invoiceNo());
        if (listener != null) {
            listener.event(
                    group, new TransactionEvent(eventId, t, new IngestMetadata(key, row, derivedAt, how, caller)));
        }
    }

    /**
     * Replays of one content with one batch size (so the same keys) by one caller (so the same ids), whatever
     * the file was called; {@code caller} null for a replay recorded without one.
     */
    private record Replay(String sha256, int batch, Charset charset, String caller) {}

    private final Map<String, Integer> sourceByContent = new HashMap<>();

    /** The same content under another name gives the same keys: one source, both names. */
    private boolean sameContent(String content, String name) {
        Integer earlier = sourceByContent.get(content);
        if (earlier == null) {
            return false;
        }
        Source s = sources.get(earlier);
        if (!s.label().contains(name)) {
            sources.set(earlier, new Source(s.label() + ", same content as " + name, s.rows(), s.problem()));
        }
        return true;
    }

    /** The replays of {@code record} (a missing file means none) that put rows on the stream. */
    public void addReplays(Path record) throws IOException {
        if (!Files.isRegularFile(record)) {
            return;
        }
        Map<Replay, Long> limits = new LinkedHashMap<>();
        Map<Replay, String> files = new HashMap<>();
        for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
            JsonNode e;
            try {
                e = TransactionJson.mapper().readTree(line);
            } catch (JacksonException bad) {
                continue; // a torn line of a replay killed mid-write
            }
            if (e == null || !e.isObject() || e.path("rowsAccepted").asLong(0) <= 0) {
                continue;
            }
            Replay r = new Replay(
                    e.path("sha256").asString(),
                    e.path("batch").asInt(),
                    Charset.forName(e.path("charset").asString("UTF-8")),
                    e.path("caller").isString() ? e.path("caller").asString() : null);
            long limit = e.path("limit").isNumber() ? e.path("limit").asLong() : Long.MAX_VALUE;
            limits.merge(r, limit, Math::max);
            String file = e.path("file").asString();
            files.merge(r, file, (a, b) -> Files.isRegularFile(Path.of(a)) ? a : b); // one that still exists
        }
        for (Map.Entry<Replay, Long> r : limits.entrySet()) {
            addReplay(r.getKey(), files.get(r.getKey()), r.getValue());
        }
    }

    private void addReplay(Replay r, String name, long limit) throws IOException {
        String label = name + (limit == Long.MAX_VALUE ? "" : " (first " + limit + " rows)");
        int source = sources.size();
        Path file = Path.of(name);
        if (r.caller() == null) {
            sources.add(new Source(
                    label,
                    0,
                    "recorded without the caller the service named, which its event ids depend on (a replay by"
                            + " an older client): replay it again to reconcile it"));
            return;
        }
        try {
            String sha = FileFingerprint.scan(file, r.charset()).sha256();
            if (!sha.equals(r.sha256())) {
                sources.add(new Source(label, 0, "the file changed since it was replayed (sha256 " + sha + ")"));
                return;
            }
        } catch (BadFileException e) {
            sources.add(new Source(label, 0, "cannot read it again: " + e.getMessage()));
            return;
        }
        long rows = 0;
        try (CsvRowReader reader = TransactionCsv.open(file, r.charset())) {
            BatchReader batches = new BatchReader(reader::read, r.batch(), ReplayCommand.MAX_BATCH, limit);
            for (Batch b = batches.next(); b != null; b = batches.next()) {
                String key = b.idempotencyKey(r.sha256());
                for (int i = 0; i < b.transactions().size(); i++) {
                    add(
                            r.caller(),
                            key,
                            i,
                            b.transactions().get(i),
                            IngestMetadata.SOURCE_API,
                            source,
                            b.fileRows().get(i));
                }
                rows += b.transactions().size();
            }
        }
        sources.add(new Source(label, rows, null));
        sourceByContent.put("replay:" + r.sha256() + ":" + r.batch() + ":" + r.caller(), source);
    }

    /**
     * One completed import, its rows read again from the file ({@code content}): published in batches of {@code
     * batchSize} with the keys {@code import:<first 16 hex digits of the content's SHA-256>:<first>-<last>} by the
     * caller {@link EventIds#IMPORT}.
     */
    public void addImport(String fileKey, String sha256, long rows, int batchSize, ImportContent.Rows content)
            throws IOException {
        Objects.requireNonNull(sha256, "sha256");
        String contentKey = "import:" + sha256 + ":" + batchSize;
        if (sameContent(contentKey, "import " + fileKey)) {
            return;
        }
        int source = sources.size();
        String prefix = "import:" + sha256.substring(0, 16) + ":";
        long row = 0;
        for (RowResult r = content.next(); r != null; r = content.next(), row++) {
            if (!(r instanceof RowResult.Valid valid) || row >= rows) {
                addImportProblem(fileKey, rows, "its content no longer reads as the import read it (row " + row + ")");
                return;
            }
            long first = row / batchSize * batchSize;
            long last = Math.min(rows, first + batchSize) - 1;
            add(
                    EventIds.IMPORT,
                    prefix + first + "-" + last,
                    (int) (row - first),
                    valid.transaction(),
                    IngestMetadata.SOURCE_IMPORT,
                    source,
                    row);
        }
        sourceByContent.put(contentKey, source);
        sources.add(new Source("import " + fileKey, row, row == rows ? null : "the import recorded " + rows + " rows"));
    }

    /** Events of a source given whole (tests): each keeps its event id as {@link EventIds} derives it. */
    void addEvents(String label, List<TransactionEvent> events) {
        int source = sources.size();
        long row = 0;
        for (TransactionEvent e : events) {
            add(
                    e.ingest().caller(),
                    e.ingest().idempotencyKey(),
                    e.ingest().row(),
                    e.transaction(),
                    e.ingest().source(),
                    source,
                    row++);
        }
        sources.add(new Source(label, row, null));
    }

    /** A completed import whose rows cannot be read again, so whose event ids cannot be derived. */
    public void addImportProblem(String fileKey, long rows, String problem) {
        sources.add(new Source("import " + fileKey + " (" + rows + " rows)", 0, problem));
    }

    /** How many expected ids come from each source. */
    public long[] perSource() {
        long[] n = new long[sources.size()];
        for (int i = 0; i < ids.size(); i++) {
            n[sourceOf[i]]++;
        }
        return n;
    }
}
