package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecordPackerTest {

    private static final ShardMap FOUR = ShardMap.uniform(4);
    private static final List<TransactionEvent> SAMPLE = Fixtures.events("sample", Fixtures.sampleTransactions());

    @Test
    void sampleRowsPackIntoFewRecords() throws Exception {
        List<PackedRecord> records = RecordPacker.pack(SAMPLE, FOUR, PackingLimits.defaults());
        System.out.printf(
                "5,000 sample rows -> %d Kinesis records (%s bytes)%n",
                records.size(), records.stream().map(r -> r.data().length).toList());
        // 300 invoices over 4 shards, ~1,250 rows per shard, at most 1,000 rows per record: 2 per shard.
        assertThat(records).hasSize(8);
        assertEveryEventExactlyOnceInvoicesWholeAndOnTheirShard(SAMPLE, records, PackingLimits.defaults());
    }

    @Test
    void smallLimitsStillKeepInvoicesWholeAndInOrder() throws Exception {
        // The sample's largest invoices exceed 50 rows or 20,000 bytes, so both split paths are exercised.
        PackingLimits limits = new PackingLimits(50, 20_000);
        List<PackedRecord> records = RecordPacker.pack(SAMPLE, FOUR, limits);
        assertEveryEventExactlyOnceInvoicesWholeAndOnTheirShard(SAMPLE, records, limits);
        assertThat(records.size()).isGreaterThan(100);
    }

    @Test
    void recordsStayWithinTheLimits() throws Exception {
        for (PackingLimits limits :
                List.of(PackingLimits.defaults(), new PackingLimits(7, 3_000), new PackingLimits(1000, 40_000))) {
            List<PackedRecord> records = RecordPacker.pack(SAMPLE, FOUR, limits);
            for (PackedRecord r : records) {
                String payload = RecordCodecTest.gunzip(java.util.Arrays.copyOfRange(r.data(), 6, r.data().length));
                int uncompressed = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                assertThat(r.events().size()).isLessThanOrEqualTo(limits.maxRowsPerRecord());
                assertThat(uncompressed).isLessThanOrEqualTo(limits.maxUncompressedBytesPerRecord());
                assertThat(r.data().length + r.partitionKey().length()).isLessThan(1024 * 1024);
            }
            assertEveryEventExactlyOnceInvoicesWholeAndOnTheirShard(SAMPLE, records, limits);
        }
    }

    @Test
    void aSingleInvoiceLargerThanTheLimitsIsSplitInOrder() throws Exception {
        List<Transaction> rows = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            rows.add(Fixtures.tx("536365", "8512" + i, i + 1, "2.55"));
        }
        List<TransactionEvent> events = Fixtures.events("big", rows);
        List<PackedRecord> records = RecordPacker.pack(events, FOUR, new PackingLimits(10, 900_000));
        assertThat(records).extracting(r -> r.events().size()).containsExactly(10, 10, 5);
        assertThat(records.stream().flatMap(r -> r.events().stream()).toList()).isEqualTo(events);
        assertThat(records).extracting(PackedRecord::partitionKey).containsOnly("536365");
    }

    @Test
    void anInvoiceTooBigForOneRecordIsSplitBetweenItsPiecesNeverInsideOne() throws Exception {
        List<Transaction> rows = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            rows.add(Fixtures.tx("573585", "S" + i, 1, "1.25"));
        }
        List<TransactionEvent> events = Fixtures.events("largest", rows);
        List<PackedRecord> records = RecordPacker.pack(events, FOUR, PackingLimits.defaults());
        // 1,000 rows a record at most: 7 whole pieces of 128 (896 rows), then the remaining 204.
        assertThat(records).extracting(r -> r.events().size()).containsExactly(896, 204);
        assertThat(records.stream().flatMap(r -> r.events().stream()).toList()).isEqualTo(events);
        // The pieces a consumer cuts from any record onward are the pieces of the whole request.
        List<String> whole = ids(InvoicePieces.of(events));
        List<String> fromRecords =
                new ArrayList<>(ids(InvoicePieces.of(records.get(0).events())));
        fromRecords.addAll(ids(InvoicePieces.of(records.get(1).events())));
        assertThat(fromRecords).isEqualTo(whole).hasSize(9);
    }

    private static List<String> ids(List<InvoicePieces.Piece> pieces) {
        return pieces.stream().map(InvoicePieces.Piece::id).toList();
    }

    @Test
    void interleavedInvoicesAreRegroupedSoEachStaysContiguous() throws Exception {
        // Two invoices on one shard, rows interleaved in the request: each comes out whole and in order.
        String a = "536365";
        String b = findInvoiceOnSameShard(a);
        List<TransactionEvent> events = Fixtures.events(
                "interleaved",
                List.of(
                        Fixtures.tx(a, "1", 1, "1"),
                        Fixtures.tx(b, "2", 2, "1"),
                        Fixtures.tx(a, "3", 3, "1"),
                        Fixtures.tx(b, "4", 4, "1")));
        List<PackedRecord> records = RecordPacker.pack(events, FOUR, PackingLimits.defaults());
        assertThat(records).hasSize(1);
        assertThat(records.get(0).events())
                .extracting(e -> e.transaction().stockCode())
                .containsExactly("1", "3", "2", "4");
        // With room for only 2 rows per record, neither invoice is split.
        records = RecordPacker.pack(events, FOUR, new PackingLimits(2, 900_000));
        assertThat(records).hasSize(2);
        assertThat(records.get(0).events())
                .extracting(e -> e.transaction().invoiceNo())
                .containsOnly(a);
        assertThat(records.get(1).events())
                .extracting(e -> e.transaction().invoiceNo())
                .containsOnly(b);
        assertThat(records.get(1).partitionKey()).isEqualTo(b);
    }

    @Test
    void nothingToPackGivesNoRecords() {
        assertThat(RecordPacker.pack(List.of(), FOUR, PackingLimits.defaults())).isEmpty();
    }

    @Test
    void limitsAreValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PackingLimits(0, 1000))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PackingLimits(10, 2_000_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PackingLimits.defaults()).isEqualTo(new PackingLimits(1000, 900_000));
    }

    private static String findInvoiceOnSameShard(String a) {
        for (int i = 536366; ; i++) {
            if (FOUR.shardFor(String.valueOf(i)).equals(FOUR.shardFor(a))) {
                return String.valueOf(i);
            }
        }
    }

    private static long bytesOf(List<TransactionEvent> events) {
        return events.stream().mapToLong(e -> EventJson.write(e).length + 1).sum();
    }

    /**
     * The packer's guarantees, checked from the outside: the records' payloads decode to every input
     * event exactly once; each record is addressed (explicit hash key) to the shard ShardMap predicts
     * for its partition key and every invoice in it belongs to that shard; an invoice that fits the
     * limits sits in one record; and rows keep their request order within each invoice.
     */
    static void assertEveryEventExactlyOnceInvoicesWholeAndOnTheirShard(
            List<TransactionEvent> input, List<PackedRecord> records, PackingLimits limits) throws Exception {
        List<TransactionEvent> decoded = new ArrayList<>();
        Map<String, Set<Integer>> recordsOfInvoice = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            PackedRecord r = records.get(i);
            List<TransactionEvent> events = RecordCodec.decode(r.data());
            assertThat(events).isEqualTo(r.events());
            assertThat(r.partitionKey()).isEqualTo(events.get(0).transaction().invoiceNo());
            assertThat(r.explicitHashKey())
                    .isEqualTo(ShardMap.hashOf(r.partitionKey()).toString());
            String shard = FOUR.shardForHash(new java.math.BigInteger(r.explicitHashKey()));
            for (TransactionEvent e : events) {
                assertThat(FOUR.shardFor(e.transaction().invoiceNo())).isEqualTo(shard);
                recordsOfInvoice
                        .computeIfAbsent(e.transaction().invoiceNo(), k -> new java.util.HashSet<>())
                        .add(i);
            }
            decoded.addAll(events);
        }
        assertThat(decoded).hasSize(input.size());
        assertThat(decoded.stream().map(TransactionEvent::eventId).collect(Collectors.toSet()))
                .hasSize(input.size())
                .isEqualTo(input.stream().map(TransactionEvent::eventId).collect(Collectors.toSet()));
        Map<String, List<TransactionEvent>> byInvoiceIn = groupByInvoice(input);
        Map<String, List<TransactionEvent>> byInvoiceOut = groupByInvoice(decoded);
        assertThat(byInvoiceOut).isEqualTo(byInvoiceIn); // same rows per invoice, same order
        for (Map.Entry<String, List<TransactionEvent>> inv : byInvoiceIn.entrySet()) {
            boolean fits = inv.getValue().size() <= limits.maxRowsPerRecord()
                    && bytesOf(inv.getValue()) <= limits.maxUncompressedBytesPerRecord();
            Set<Integer> in = recordsOfInvoice.get(inv.getKey());
            if (fits) {
                assertThat(in).as("records of invoice %s", inv.getKey()).hasSize(1);
            } else {
                // Split only because it must be, and then over consecutive records.
                int firstRecord = in.stream().min(Integer::compare).orElseThrow();
                int lastRecord = in.stream().max(Integer::compare).orElseThrow();
                assertThat(lastRecord - firstRecord + 1)
                        .as("records of invoice %s", inv.getKey())
                        .isEqualTo(in.size());
            }
        }
    }

    private static Map<String, List<TransactionEvent>> groupByInvoice(List<TransactionEvent> events) {
        return events.stream()
                .collect(Collectors.groupingBy(
                        e -> e.transaction().invoiceNo(), LinkedHashMap::new, Collectors.toList()));
    }
}
