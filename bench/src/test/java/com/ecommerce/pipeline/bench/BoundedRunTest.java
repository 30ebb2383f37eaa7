package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedRunTest {

    @Test
    void runsEveryTaskWhenThereIsTime() {
        List<Integer> tasks = IntStream.rangeClosed(1, 100).boxed().toList();
        BoundedRun.Result r = BoundedRun.run(tasks, 4, Duration.ofMinutes(1), i -> i);
        assertThat(r.rows()).isEqualTo(5_050);
        assertThat(r.complete()).isTrue();
    }

    @Test
    void startsNothingAfterTheLimit() {
        List<Integer> tasks = IntStream.range(0, 1_000).boxed().toList();
        BoundedRun.Result r = BoundedRun.run(tasks, 2, Duration.ofMillis(200), i -> {
            KinesisBench.sleep(20);
            return 1;
        });
        assertThat(r.complete()).isFalse();
        assertThat(r.rows()).isEqualTo(r.tasksDone()).isBetween(2L, 40L);
        assertThat(r.seconds()).isLessThan(1.0);
    }
}
