package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestClientTest {

    private static final String KEY = "a2f79bbdd4463df6:0-1";
    private static final byte[] BODY = TransactionJson.writeRequest(List.of(
            new Transaction(
                    "536365",
                    "85123A",
                    "WHITE HANGING HEART T-LIGHT HOLDER",
                    6,
                    LocalDateTime.of(2010, 12, 1, 8, 26),
                    new BigDecimal("2.55"),
                    "17850",
                    "United Kingdom"),
            new Transaction(
                    "536365",
                    "71053",
                    "WHITE METAL LANTERN",
                    6,
                    LocalDateTime.of(2010, 12, 1, 8, 26),
                    new BigDecimal("3.39"),
                    null,
                    "United Kingdom")));

    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final List<String> retries = new CopyOnWriteArrayList<>();
    private FakeIngest fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private IngestClient client(URI endpoint, String token, int attempts) {
        RetryPolicy policy = new RetryPolicy(
                attempts, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(2), () -> 0.5);
        return new IngestClient(
                endpoint,
                token,
                policy,
                Duration.ofSeconds(5),
                slept::add, // record the waits instead of sleeping them
                (key, attempt, reason, delay) -> retries.add(key + " #" + attempt + " " + reason),
                Clock.systemUTC());
    }

    @Test
    void a503WithRetryAfterIsRetriedAfterThatLongWithTheSameKeyAndBody() throws Exception {
        fake = new FakeIngest(r -> r.call() == 1
                ? FakeIngest.Response.problem(
                        503,
                        Map.of("Retry-After", "1"),
                        "{\"title\":\"Stream unavailable\",\"status\":503,\"idempotencyKey\":\"" + KEY + "\"}")
                : FakeIngest.Response.accepted(r));

        IngestClient.Outcome outcome = client(fake.endpoint(), null, 5).post(KEY, BODY, "rows 0-1");

        assertThat(outcome).isEqualTo(new IngestClient.Accepted(2, 2));
        List<FakeIngest.Request> requests = fake.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests).extracting(FakeIngest.Request::idempotencyKey).containsExactly(KEY, KEY);
        assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body()).isEqualTo(BODY);
        assertThat(requests.get(0).contentType()).isEqualTo("application/json");
        assertThat(slept).containsExactly(Duration.ofMillis(1100)); // 1 s and 10 % of jitter (random 0.5)
        assertThat(retries).containsExactly(KEY + " #1 HTTP 503 (Retry-After 1 s)");
    }

    @Test
    void aRealRetryAfterIsReallyWaited() throws Exception {
        fake = new FakeIngest(r -> r.call() == 1
                ? FakeIngest.Response.problem(503, Map.of("Retry-After", "1"), "{}")
                : FakeIngest.Response.accepted(r));
        IngestClient sleeping = new IngestClient(
                fake.endpoint(),
                null,
                RetryPolicy.standard(3),
                Duration.ofSeconds(5),
                d -> Thread.sleep(d.toMillis()),
                (k, a, r, d) -> {},
                Clock.systemUTC());

        long start = System.nanoTime();
        assertThat(sleeping.post(KEY, BODY, "rows 0-1")).isInstanceOf(IngestClient.Accepted.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(fake.requests())
                .extracting(FakeIngest.Request::idempotencyKey)
                .containsExactly(KEY, KEY);
    }

    @Test
    void a429AndADroppedConnectionAreRetriedWithBackoff() throws Exception {
        fake = new FakeIngest(r -> switch (r.call()) {
            case 1 -> FakeIngest.Response.problem(429, Map.of(), "{}");
            case 2 -> FakeIngest.Response.DROP;
            default -> FakeIngest.Response.accepted(r);
        });

        IngestClient.Outcome outcome = client(fake.endpoint(), null, 5).post(KEY, BODY, "rows 0-1");

        assertThat(outcome).isEqualTo(new IngestClient.Accepted(2, 3));
        assertThat(fake.requests())
                .extracting(FakeIngest.Request::idempotencyKey)
                .containsOnly(KEY);
        assertThat(slept).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(retries.get(1)).contains("connection failed");
    }

    @Test
    void givesUpAfterTheLastAttemptWithAClearMessage() throws Exception {
        fake = new FakeIngest(r -> FakeIngest.Response.problem(503, Map.of("Retry-After", "2"), "{}"));

        assertThatThrownBy(() -> client(fake.endpoint(), null, 3).post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(ReplayAbortedException.class)
                .hasMessage("gave up on rows 0-1 after 3 attempts, the last: HTTP 503 (Retry-After 2 s); re-run the"
                        + " same command to resume (same idempotency keys: nothing is doubled)");
        assertThat(fake.requests()).hasSize(3);
        assertThat(slept).containsExactly(Duration.ofMillis(2200), Duration.ofMillis(2200));
    }

    @Test
    void aRefusedBatchComesBackWithTheServicesReasons() throws Exception {
        fake = new FakeIngest(r -> FakeIngest.Response.problem(
                400,
                Map.of(),
                "{\"title\":\"Invalid transactions\",\"status\":400,\"detail\":\"The request has 1 invalid"
                        + " field(s); no row of it was accepted.\",\"errors\":[{\"row\":1,\"field\":\"Quantity\","
                        + "\"message\":\"Quantity is missing\"}]}"));

        IngestClient.Outcome outcome = client(fake.endpoint(), null, 5).post(KEY, BODY, "rows 0-1");

        assertThat(outcome).isInstanceOfSatisfying(IngestClient.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errors()).singleElement().satisfies(e -> {
                assertThat(e.row()).isEqualTo(1);
                assertThat(e.field()).isEqualTo("Quantity");
                assertThat(e.message()).isEqualTo("Quantity is missing");
            });
        });
        assertThat(fake.requests()).hasSize(1); // not retried: it would be refused again
    }

    @Test
    void theTokenIsSentAsABearerAndA401StopsTheReplay() throws Exception {
        fake = new FakeIngest(r -> "Bearer good-token".equals(r.authorization())
                ? FakeIngest.Response.accepted(r)
                : FakeIngest.Response.problem(401, Map.of("WWW-Authenticate", "Bearer"), ""));

        assertThat(client(fake.endpoint(), "good-token", 5).post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(IngestClient.Accepted.class);
        assertThatThrownBy(() -> client(fake.endpoint(), null, 5).post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(ReplayAbortedException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("--token");
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void nobodyListeningFailsFastWithAHint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        assertThatThrownBy(() -> client(URI.create("http://127.0.0.1:" + port + "/transactions"), null, 10)
                        .post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(ReplayAbortedException.class)
                .hasMessage("cannot connect to 127.0.0.1:" + port
                        + " (connection refused): is the ingest service running? (./pipeline up)");
        assertThat(slept).hasSize(IngestClient.ATTEMPTS_BEFORE_FIRST_CONNECTION - 1);
    }

    /** A clock the recording sleeper moves on: minutes of retrying in no time. */
    private static final class FakeClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-02T06:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private IngestClient patient(FakeClock clock, Duration giveUpAfter, InFlightLimit limit) {
        return new IngestClient(
                fake.endpoint(),
                null,
                RetryPolicy.untilNoProgressFor(giveUpAfter),
                Duration.ofSeconds(5),
                d -> {
                    slept.add(d);
                    clock.advance(d);
                },
                (key, attempt, reason, delay) -> retries.add(key + " #" + attempt + " " + reason),
                clock,
                limit);
    }

    @Test
    void aSlowButLivingServiceIsRiddenOutHoweverManyAttemptsItTakes() throws Exception {
        // 30 answers of 503 with Retry-After 5 s (the issue's starving stream): ~2.5 min, well within 10 min
        fake = new FakeIngest(r -> r.call() <= 30
                ? FakeIngest.Response.problem(503, Map.of("Retry-After", "5"), "{}")
                : FakeIngest.Response.accepted(r));
        FakeClock clock = new FakeClock();
        InFlightLimit limit = InFlightLimit.adaptive(8);

        IngestClient.Outcome outcome =
                patient(clock, Duration.ofMinutes(10), limit).post(KEY, BODY, "rows 0-1");

        assertThat(outcome).isEqualTo(new IngestClient.Accepted(2, 31));
        assertThat(fake.requests())
                .extracting(FakeIngest.Request::idempotencyKey)
                .containsOnly(KEY);
        assertThat(slept).hasSize(30).allSatisfy(d -> assertThat(d)
                .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6)));
        assertThat(limit.lowest()).isEqualTo(1);
        assertThat(limit.limit()).as("one success at 1 grows it by one").isEqualTo(2);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void givesUpOnceNothingWasAcceptedForTheWholeDeadline() throws Exception {
        fake = new FakeIngest(r -> FakeIngest.Response.problem(503, Map.of("Retry-After", "5"), "{}"));
        FakeClock clock = new FakeClock();

        assertThatThrownBy(() -> patient(clock, Duration.ofMinutes(1), InFlightLimit.adaptive(4))
                        .post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(ReplayAbortedException.class)
                .hasMessageMatching("gave up on rows 0-1 after \\d+ attempts: no batch accepted for 1 min"
                        + " \\(--give-up-after\\), the last: HTTP 503 \\(Retry-After 5 s\\); re-run the same command"
                        + " to resume \\(same idempotency keys: nothing is doubled\\)");
        // 5-6 s per retry: 10 to 12 attempts fit in the minute, and not one more
        assertThat(fake.requests().size()).isBetween(11, 13);
    }

    @Test
    void anAnswerToAnotherBatchCountsAsProgress() throws Exception {
        // "0-1" always gets 503 (Retry-After 20 s); "2-3", posted by the same client while 0-1 waits, is
        // accepted every time: three minutes pass, but never one without an accepted batch
        fake = new FakeIngest(r -> r.idempotencyKey().equals(KEY)
                ? FakeIngest.Response.problem(503, Map.of("Retry-After", "20"), "{}")
                : FakeIngest.Response.accepted(r));
        FakeClock clock = new FakeClock();
        AtomicReference<IngestClient> client = new AtomicReference<>();
        List<String> others = new CopyOnWriteArrayList<>();
        client.set(new IngestClient(
                fake.endpoint(),
                null,
                RetryPolicy.untilNoProgressFor(Duration.ofMinutes(1)),
                Duration.ofSeconds(5),
                d -> {
                    if (others.size() == 9) {
                        throw new InterruptedException("three minutes are enough");
                    }
                    clock.advance(d);
                    try {
                        others.add(client.get()
                                .post("a2f79bbdd4463df6:2-3", BODY, "rows 2-3")
                                .getClass()
                                .getSimpleName());
                    } catch (ReplayAbortedException e) {
                        throw new IllegalStateException(e);
                    }
                },
                (k, a, r, d) -> {},
                clock,
                InFlightLimit.adaptive(4)));

        assertThatThrownBy(() -> client.get().post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(InterruptedException.class)
                .hasMessage("three minutes are enough");
        assertThat(others).hasSize(9).containsOnly("Accepted");
    }

    @Test
    void aConnectionRefusedBeforeAnythingGotThroughStillFailsFastWithoutACountOfAttempts() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FakeClock clock = new FakeClock();
        IngestClient client = new IngestClient(
                URI.create("http://127.0.0.1:" + port + "/transactions"),
                null,
                RetryPolicy.untilNoProgressFor(Duration.ofMinutes(10)),
                Duration.ofSeconds(5),
                slept::add,
                (k, a, r, d) -> {},
                clock,
                InFlightLimit.adaptive(4));

        assertThatThrownBy(() -> client.post(KEY, BODY, "rows 0-1"))
                .isInstanceOf(ReplayAbortedException.class)
                .hasMessageContaining("is the ingest service running?");
        assertThat(slept).hasSize(IngestClient.ATTEMPTS_BEFORE_FIRST_CONNECTION - 1);
    }
}
