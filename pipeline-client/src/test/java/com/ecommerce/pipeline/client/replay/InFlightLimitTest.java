package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    @Test
    void startsAtTheMaximumAndHalvesOncePerRoundOfTrouble() throws Exception {
        List<Integer> changes = new ArrayList<>();
        InFlightLimit limit = InFlightLimit.adaptive(8).onChange((now, max) -> changes.add(now));
        assertThat(limit.limit()).isEqualTo(8);

        // four requests in flight together all get a 503: one cut, not four
        List<InFlightLimit.Permit> round1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            round1.add(limit.acquire());
        }
        round1.forEach(InFlightLimit.Permit::failed);
        assertThat(limit.limit()).isEqualTo(4);

        // their retries, sent after the cut, fail again: one more cut
        InFlightLimit.Permit a = limit.acquire();
        InFlightLimit.Permit b = limit.acquire();
        a.failed();
        b.failed();
        assertThat(limit.limit()).isEqualTo(2);
        limit.acquire().failed();
        limit.acquire().failed();
        assertThat(limit.limit()).as("never below one").isEqualTo(1);
        assertThat(limit.lowest()).isEqualTo(1);
        assertThat(changes).containsExactly(4, 2, 1);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void growsByOneAfterARunOfSuccessesUpToTheMaximum() throws Exception {
        InFlightLimit limit = InFlightLimit.adaptive(3);
        limit.acquire().failed();
        limit.acquire().failed();
        assertThat(limit.limit()).isEqualTo(1);

        limit.acquire().answered(); // a run of 1 at limit 1
        assertThat(limit.limit()).isEqualTo(2);
        limit.acquire().answered();
        assertThat(limit.limit()).isEqualTo(2);
        limit.acquire().answered(); // a run of 2 at limit 2
        assertThat(limit.limit()).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            limit.acquire().answered();
        }
        assertThat(limit.limit()).as("never above the maximum").isEqualTo(3);
        // a failure breaks the run
        limit.acquire().answered();
        limit.acquire().failed();
        assertThat(limit.limit()).isEqualTo(1);
        limit.acquire().answered();
        assertThat(limit.limit()).isEqualTo(2);
    }

    @Test
    void noMoreRequestsGoThanTheLimit() throws Exception {
        InFlightLimit limit = InFlightLimit.adaptive(4);
        limit.acquire().failed(); // now 2
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(8);
        for (int i = 0; i < 8; i++) {
            new Thread(() -> {
                        try {
                            InFlightLimit.Permit p = limit.acquire();
                            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                            Thread.sleep(30);
                            concurrent.decrementAndGet();
                            p.abandoned(); // neither grows nor cuts: the limit stays 2
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    })
                    .start();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(most.get()).isEqualTo(2);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void unlimitedNeverWaitsNorChanges() throws Exception {
        InFlightLimit limit = InFlightLimit.unlimited();
        for (int i = 0; i < 100; i++) {
            limit.acquire();
        }
        limit.acquire().failed();
        assertThat(limit.limit()).isEqualTo(Integer.MAX_VALUE);
    }
}
