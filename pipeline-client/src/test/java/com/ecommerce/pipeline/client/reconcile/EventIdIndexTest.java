package com.ecommerce.pipeline.client.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventIdIndexTest {

    @Test
    void numbersIdsInTheOrderAddedAndFindsEachAgainAcrossManyRehashes() {
        EventIdIndex index = new EventIdIndex();
        List<String> ids = new ArrayList<>();
        for (int row = 0; row < 50_000; row++) {
            ids.add(EventIds.of("sub:test", "key-" + row / 500, row % 500, transaction(row)));
        }

        for (int i = 0; i < ids.size(); i++) {
            assertThat(index.add(ids.get(i))).isEqualTo(i);
        }

        assertThat(index.size()).isEqualTo(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertThat(index.indexOf(ids.get(i))).isEqualTo(i);
            assertThat(index.id(i)).isEqualTo(ids.get(i));
        }
    }

    @Test
    void anIdAddedAgainKeepsItsFirstPlace() {
        EventIdIndex index = new EventIdIndex();
        String a = EventIds.of("sub:test", "k", 0, transaction(1));
        String b = EventIds.of("sub:test", "k", 1, transaction(2));

        assertThat(index.add(a)).isZero();
        assertThat(index.add(b)).isEqualTo(1);
        assertThat(index.add(a)).isEqualTo(-1);
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.indexOf(a)).isZero();
    }

    @Test
    void otherTextIsNeverFoundAndOtherSpellingsOfAnIdAreOtherIds() {
        EventIdIndex index = new EventIdIndex();
        String id = EventIds.of("sub:test", "k", 0, transaction(1));
        index.add(id);

        assertThat(index.indexOf(id.toUpperCase())).isEqualTo(-1);
        assertThat(index.indexOf("1-1-1-1-1")).isEqualTo(-1);
        assertThat(index.indexOf("not-an-event-id")).isEqualTo(-1);
        assertThat(index.indexOf(null)).isEqualTo(-1);
        assertThat(index.indexOf(EventIds.of("sub:test", "k", 1, transaction(1))))
                .isEqualTo(-1);
        assertThatThrownBy(() -> index.add("e-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("e-1");
    }

    private static Transaction transaction(int n) {
        return SinkContentsTest.row("5" + n, 6, "2.55", "17850");
    }
}
