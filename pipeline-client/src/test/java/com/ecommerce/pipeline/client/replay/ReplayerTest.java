package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-flight window: batches that share an invoice are serialised, the others overlap. */
class ReplayerTest {

    private static final String SHA = "a2f79bbdd4463df6db8a3f5a50b9c980ae8f645a370bf5e2c0d6097f9e817b05";

    private FakeIngest fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    /** Batch {@code index} = rows 10*index .. 10*index+k-1, one row per invoice given. */
    private static Batch batch(int index, String... invoices) {
        List<Transaction> txs = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        for (int i = 0; i < invoices.length; i++) {
            txs.add(new Transaction(
                    invoices[i],
                    "85123A",
                    "WHITE HANGING HEART T-LIGHT HOLDER",
                    6,
                    LocalDateTime.of(2010, 12, 1, 8, 26),
                    new BigDecimal("2.55"),
                    "17850",
                    "United Kingdom"));
            rows.add(10L * index + i);
        }
        return new Batch(index, 10L * index, 10L * index + invoices.length - 1, txs, rows, List.of());
    }

    private static BatchSource source(Batch... batches) {
        Iterator<Batch> it = List.of(batches).iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    private static final IngestClient.Sleeper SLEEP = d -> Thread.sleep(d.toMillis());

    private IngestClient client() {
        return new IngestClient(
                fake.endpoint(),
                null,
                RetryPolicy.standard(3),
                Duration.ofSeconds(30),
                SLEEP,
                (k, n, r, d) -> {},
                Clock.systemUTC());
    }

    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> answered = new ConcurrentHashMap<>();

    private long start(Batch b) {
        return started.get(IdempotencyKeys.of(SHA, b.firstRow(), b.lastRow()));
    }

    private long end(Batch b) {
        return answered.get(IdempotencyKeys.of(SHA, b.firstRow(), b.lastRow()));
    }

    @Test
    void aBatchSharingAnInvoiceWaitsForTheAnswerToTheEarlierOneWhileOthersOverlap() throws Exception {
        Batch a = batch(0, "536365", "536366");
        Batch b = batch(1, "536367");
        Batch c = batch(2, "536366", "536368"); // shares 536366 with a
        String keyA = IdempotencyKeys.of(SHA, a.firstRow(), a.lastRow());
        String keyB = IdempotencyKeys.of(SHA, b.firstRow(), b.lastRow());
        String keyC = IdempotencyKeys.of(SHA, c.firstRow(), c.lastRow());
        CountDownLatch bArrived = new CountDownLatch(1);
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicBoolean aAnswered = new AtomicBoolean();
        AtomicBoolean cAfterA = new AtomicBoolean();
        fake = new FakeIngest(req -> {
            if (req.idempotencyKey().equals(keyA)) {
                // a is answered only once b has arrived: proof that they are in flight together
                overlapped.set(bArrived.await(20, TimeUnit.SECONDS));
                aAnswered.set(true);
            } else if (req.idempotencyKey().equals(keyB)) {
                bArrived.countDown();
            } else if (req.idempotencyKey().equals(keyC)) {
                cAfterA.set(aAnswered.get());
            }
            return FakeIngest.Response.accepted(req);
        });
        ReplayStats stats = new ReplayStats();

        new Replayer(new Replayer.Config(4, Pacer.unpaced()), client(), SHA, stats, Progress.none(), SLEEP)
                .run(source(a, b, c));

        assertThat(fake.requests())
                .extracting(FakeIngest.Request::idempotencyKey)
                .containsExactlyInAnyOrder(keyA, keyB, keyC);
        assertThat(overlapped).as("b was in flight while a was").isTrue();
        assertThat(cAfterA)
                .as("c, sharing an invoice with a, was sent only after a's answer")
                .isTrue();
        ReplayStats.Snapshot s = stats.snapshot();
        assertThat(s.rowsAccepted()).isEqualTo(5);
        assertThat(s.batchesSent()).isEqualTo(3);
    }

    @Test
    void concurrencyOneSendsOneBatchAtATime() throws Exception {
        fake = new FakeIngest(req -> {
            started.put(req.idempotencyKey(), System.nanoTime());
            Thread.sleep(100);
            answered.put(req.idempotencyKey(), System.nanoTime());
            return FakeIngest.Response.accepted(req);
        });
        Batch a = batch(0, "1");
        Batch b = batch(1, "2");
        Batch c = batch(2, "3");
        new Replayer(new Replayer.Config(1, Pacer.unpaced()), client(), SHA, new ReplayStats(), Progress.none(), SLEEP)
                .run(source(a, b, c));

        assertThat(start(b)).isGreaterThan(end(a));
        assertThat(start(c)).isGreaterThan(end(b));
    }

    @Test
    void aReplayThatFellBehindItsRateDoesNotBurstToCatchUp() throws Exception {
        List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        fake = new FakeIngest(req -> {
            arrivals.add(System.nanoTime());
            if (req.call() == 1) {
                Thread.sleep(2000); // the service stalls: 20 batches' worth of the rate go by
            }
            return FakeIngest.Response.accepted(req);
        });
        Batch[] batches = new Batch[30];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = batch(i, Integer.toString(600000 + i)); // row 10*i: due at (10*i+1)/100 s
        }

        new Replayer(new Replayer.Config(1, Pacer.rate(100)), client(), SHA, new ReplayStats(), Progress.none(), SLEEP)
                .run(source(batches));

        assertThat(arrivals).hasSize(30);
        long resumed = arrivals.get(1);
        long burst = arrivals.stream()
                .filter(t -> t >= resumed && t - resumed < 300_000_000L)
                .count();
        assertThat(burst)
                .as("requests in the first 0.3 s after the stall (a catch-up burst would send ~28)")
                .isLessThanOrEqualTo(Replayer.MAX_CATCH_UP.toMillis() / 100 + 4);
    }
}
