package com.ecommerce.pipeline.warehouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.TestWarehouse;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The warehouse goes away in the middle of a load (PostgreSQL stopped, as an outage or a restart
 * would) and comes back on the same port with the same data: while it is down every write throws a
 * transient error and nothing advances; once it is back the retried batches land, nothing lost and
 * nothing doubled. Its own PostgreSQL, so that stopping it does not disturb the shared local cloud.
 */
class WarehouseOutageIT {

    /** How long the database stays down; the end-to-end check uses 30 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("warehouse.outage.seconds", 30));

    @TempDir
    Path dataDirectory;

    @Test
    void writesFailWhileTheDatabaseIsDownAndCatchUpWhenItReturns() throws Exception {
        int port = freePort();
        EmbeddedPostgres postgres = start(port);
        List<Row> rows = SourceRows.sample();
        List<TransactionEvent> events = SourceRows.events(rows, "outage", Instant.now());
        List<List<TransactionEvent>> batches = new ArrayList<>();
        for (int i = 0; i < events.size(); i += 250) {
            batches.add(events.subList(i, Math.min(i + 250, events.size())));
        }
        try (HikariDataSource dataSource =
                TestWarehouse.pool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")) {
            TestWarehouse.migrate(dataSource);
            WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry());

            // The consumer machinery in miniature: each batch is retried with backoff until it is durable.
            AtomicInteger written = new AtomicInteger();
            List<Exception> failures = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
                for (List<TransactionEvent> batch : batches) {
                    long backoff = 100;
                    while (true) {
                        try {
                            sink.write(SourceRows.batch(batch));
                            written.incrementAndGet();
                            break;
                        } catch (PoisonEventsException e) {
                            throw new AssertionError("no event of the sample is poison", e);
                        } catch (Exception e) {
                            failures.add(e);
                            sleep(backoff);
                            backoff = Math.min(backoff * 2, 2_000);
                        }
                    }
                }
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= 5);
            postgres.close(); // pg_ctl stop -m fast: sessions terminated, port closed
            await().atMost(Duration.ofSeconds(30)).until(() -> !failures.isEmpty());
            int writtenWhenDown = written.get();
            sleep(OUTAGE.toMillis());
            assertThat(written.get())
                    .as("no batch can be written while the database is down")
                    .isEqualTo(writtenWhenDown);
            assertThat(consumer).isNotDone();

            postgres = start(port);
            consumer.get(3, TimeUnit.MINUTES);

            assertThat(written.get()).isEqualTo(batches.size());
            assertThat(failures).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(SQLException.class));
            JdbcClient jdbc = JdbcClient.create(dataSource);
            assertThat(TestWarehouse.rows(dataSource)).isEqualTo(rows.size());
            Set<String> ids = jdbc.sql("SELECT event_id FROM firehose_transactions")
                    .query(String.class)
                    .set();
            assertThat(ids)
                    .isEqualTo(events.stream().map(TransactionEvent::eventId).collect(Collectors.toSet()));
            BigDecimal revenue = jdbc.sql("SELECT sum(line_total) FROM firehose_transactions")
                    .query(BigDecimal.class)
                    .single();
            assertThat(revenue)
                    .isEqualByComparingTo(rows.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
            String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
            assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
        } finally {
            postgres.close();
        }
    }

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
