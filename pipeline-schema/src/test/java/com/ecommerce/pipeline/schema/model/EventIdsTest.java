package com.ecommerce.pipeline.schema.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.Fixtures;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    private static final String CALLER = EventIds.subject("local-ingest");

    private static final Transaction ROW = Fixtures.FIRST_ROW;

    private static Transaction with(String invoiceNo, String customerId, BigDecimal price, String description) {
        return new Transaction(
                invoiceNo,
                ROW.stockCode(),
                description,
                ROW.quantity(),
                ROW.invoiceDate(),
                price,
                customerId,
                ROW.country());
    }

    @Test
    void theSameRequestAgainGivesTheSameIds() {
        assertThat(EventIds.of(CALLER, "replay-online_retail-000001", 17, ROW))
                .isEqualTo(EventIds.of(
                        CALLER,
                        "replay-online_retail-000001",
                        17,
                        with("536365", "17850", new BigDecimal("2.55"), "WHITE HANGING HEART T-LIGHT HOLDER")));
    }

    @Test
    void anotherBodyUnderTheSameKeyGetsOtherIds() {
        String id = EventIds.of(CALLER, "k", 0, ROW);
        assertThat(EventIds.of(CALLER, "k", 0, with("536366", "17850", ROW.unitPrice(), ROW.description())))
                .isNotEqualTo(id);
        assertThat(EventIds.of(CALLER, "k", 0, with("536365", "17851", ROW.unitPrice(), ROW.description())))
                .isNotEqualTo(id);
        assertThat(EventIds.of(CALLER, "k", 0, with("536365", null, ROW.unitPrice(), ROW.description())))
                .isNotEqualTo(id);
        assertThat(EventIds.of(CALLER, "k", 0, with("536365", "17850", new BigDecimal("2.56"), ROW.description())))
                .isNotEqualTo(id);
        assertThat(EventIds.of(CALLER, "k", 0, with("536365", "17850", ROW.unitPrice(), ROW.description() + " ")))
                .isNotEqualTo(id);
    }

    @Test
    void theSameKeyAndBodyFromAnotherCallerGetOtherIds() {
        Set<String> ids = new HashSet<>();
        for (String caller : List.of(
                CALLER, EventIds.subject("other-client"), EventIds.ANONYMOUS, EventIds.IMPORT, EventIds.subject(""))) {
            ids.add(EventIds.of(caller, "k", 0, ROW));
        }
        assertThat(ids).hasSize(5);
    }

    @Test
    void differentRowsOrKeysGiveDifferentIds() {
        Set<String> ids = new HashSet<>();
        for (int row = 0; row < 10_000; row++) {
            ids.add(EventIds.of(CALLER, "key", row, ROW));
        }
        assertThat(ids).hasSize(10_000);
        assertThat(EventIds.of(CALLER, "a", 0, ROW)).isNotEqualTo(EventIds.of(CALLER, "b", 0, ROW));
    }

    @Test
    void partsCannotBeConfusedAcrossTheirBoundaries() {
        // A naive concatenation would make ("k1", 23) and ("k12", 3) collide, or a caller's end a key's start.
        assertThat(EventIds.of(CALLER, "k1", 23, ROW)).isNotEqualTo(EventIds.of(CALLER, "k12", 3, ROW));
        assertThat(EventIds.of("sub:a|1:b", "c", 0, ROW)).isNotEqualTo(EventIds.of("sub:a", "b|1:c", 0, ROW));
        // A missing customer is not the customer "-".
        assertThat(EventIds.of(CALLER, "k", 0, with("536365", null, ROW.unitPrice(), ROW.description())))
                .isNotEqualTo(EventIds.of(CALLER, "k", 0, with("536365", "-", ROW.unitPrice(), ROW.description())));
    }

    @Test
    void idIsAVersion8UuidOfTheSha256OfTheNamedParts() throws Exception {
        // Computed here from the documented encoding, not taken from the code's output: a change would give
        // re-posted requests new ids and double every sink.
        String name = "transaction-event/v2|16:sub:local-ingest|5:batch|1:0|6:536365|6:85123A"
                + "|34:WHITE HANGING HEART T-LIGHT HOLDER|1:6|19:2010-12-01T08:26:00|4:2.55|5:17850|14:United Kingdom";
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(hash);
        String expected = new UUID(b.getLong(), b.getLong()).toString();

        String id = EventIds.of(CALLER, "batch", 0, ROW);

        assertThat(id).isEqualTo(expected);
        assertThat(UUID.fromString(id).version()).isEqualTo(8);
        assertThat(UUID.fromString(id).variant()).isEqualTo(2);
    }

    @Test
    void anEventsIdFollowsFromWhatItCarries() {
        IngestMetadata ingest = new IngestMetadata("k", 3, java.time.Instant.EPOCH, "api", CALLER);
        assertThat(TransactionEvent.of(ROW, ingest).eventId()).isEqualTo(EventIds.of(CALLER, "k", 3, ROW));
        assertThat(new IngestMetadata("k", 3, java.time.Instant.EPOCH, "api").caller())
                .isEqualTo(EventIds.ANONYMOUS);
    }
}
