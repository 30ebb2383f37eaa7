package com.ecommerce.pipeline.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void sameKeyAndRowGiveTheSameIdEveryTime() {
        assertThat(EventIds.of("replay-online_retail-000001", 17))
                .isEqualTo(EventIds.of("replay-online_retail-000001", 17));
    }

    @Test
    void idIsANameBasedUuid() {
        UUID id = UUID.fromString(EventIds.of("k", 0));
        assertThat(id.version()).isEqualTo(3);
        assertThat(id.toString()).isEqualTo(EventIds.of("k", 0));
    }

    @Test
    void differentRowsOrKeysGiveDifferentIds() {
        Set<String> ids = new HashSet<>();
        for (int row = 0; row < 10_000; row++) {
            ids.add(EventIds.of("key", row));
        }
        assertThat(ids).hasSize(10_000);
        assertThat(EventIds.of("a", 0)).isNotEqualTo(EventIds.of("b", 0));
    }

    @Test
    void keyAndRowCannotBeConfusedAcrossTheirBoundary() {
        // A naive key + row concatenation would make ("k1", 23) and ("k12", 3) collide.
        assertThat(EventIds.of("k1", 23)).isNotEqualTo(EventIds.of("k12", 3));
        assertThat(EventIds.of("1|2", 3)).isNotEqualTo(EventIds.of("1", 23));
    }

    @Test
    void idIsPinnedSoEveryServiceAndReleaseAgrees() {
        // UUID.nameUUIDFromBytes("transaction-event/v1|5|batch|0") computed once; a change here would
        // make re-posted requests produce new ids and double every sink.
        assertThat(EventIds.of("batch", 0))
                .isEqualTo(UUID.nameUUIDFromBytes(
                                "transaction-event/v1|5|batch|0".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString());
    }
}
