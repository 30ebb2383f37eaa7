package com.ecommerce.pipeline.dynamo;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The sink's own CPU a row without the stream or the emulator: 5,000-row batches through dynamo-store's {@link
 * InvoiceWriter} and the real SDK client (items, marshalling, SigV4 signing with its payload hash), whose HTTP client
 * only reads the request and answers that every item was processed. Prints this thread's CPU a row (GC and JIT left
 * out) and the request bytes a row for rounds after the first few, so two versions of the store compare without the
 * machine's load in the way. Not part of the default run: {@code mvn -pl dynamo-writer -am verify -Dtest=none
 * -Dit.test=SinkWriteCostIT -Dsink.cost=true [-Ddrain.rows=150000] -DargLine='-XX:TieredStopAtLevel=1
 * -XX:+UseSerialGC' -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class SinkWriteCostIT {

    @Test
    void printsTheSinksCpuARow() throws Exception {
        assumeThat(Boolean.getBoolean("sink.cost"))
                .as("set -Dsink.cost=true to run")
                .isTrue();
        List<List<TransactionEvent>> requests = ProfileRows.requests(Integer.getInteger("drain.rows", 150_000), "k");
        List<List<TransactionEvent>> batches = ProfileRows.batches(requests, 10);
        int rows = requests.stream().mapToInt(List::size).sum();
        AtomicLong bytes = new AtomicLong();
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .httpClient(new AllProcessed(bytes))
                .endpointOverride(URI.create("http://localhost:1"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            InvoiceWriter writer = new InvoiceWriter(dynamo, StoreTables.defaults(), Duration.ofMinutes(1), n -> {});
            var threads = ManagementFactory.getThreadMXBean();
            for (int round = 1; round <= 10; round++) {
                bytes.set(0);
                long cpu0 = threads.getCurrentThreadCpuTime();
                for (List<TransactionEvent> batch : batches) {
                    writer.write(batch);
                }
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                if (round > 4) { // compiled by then
                    System.out.printf(
                            Locale.ROOT,
                            "SINK round %d: %,d rows, %.2f µs of CPU a row, %d request bytes a row%n",
                            round,
                            rows,
                            cpu / 1e3 / rows,
                            bytes.get() / rows);
                }
            }
        }
    }

    /** Reads each request's body to its end and answers that every item was processed. */
    private record AllProcessed(AtomicLong bytes) implements SdkHttpClient {

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws java.io.IOException {
                    try (InputStream in =
                            request.contentStreamProvider().orElseThrow().newStream()) {
                        byte[] buffer = new byte[8192];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            bytes.addAndGet(n);
                        }
                    }
                    byte[] body = "{\"UnprocessedItems\":{}}".getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder()
                                    .statusCode(200)
                                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                            .build();
                }

                @Override
                public void abort() {}
            };
        }

        @Override
        public void close() {}
    }
}
