package com.ecommerce.pipeline.dynamo;

import com.ecommerce.pipeline.consumer.DrainProfile;
import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * dynamo-writer's drain of a standing backlog into the real tables, profiled ({@link DrainProfile}). After each
 * drain, the same rows' items (built by dynamo-store's {@link InvoiceWriter}, under new request keys) are put again
 * the plainest way — BatchWriteItem, 25 a call, 4 threads, as the benchmark's sink ceiling — and the DynamoDB
 * emulator's CPU a row is printed for that too, so the emulator's cost in the drain and in the ceiling compare at the
 * same moment. Not part of the default run: {@code mvn -pl dynamo-writer -am verify -Dtest=none
 * -Dit.test=DrainProfileIT -Ddrain.profile=true [-Ddrain.rows=150000] -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class DrainProfileIT extends DrainProfile {

    @Autowired
    DynamoDbClient dynamo;

    DrainProfileIT() {
        super("dynamo-writer");
    }

    @Override
    protected void afterDrain(String phase, double rows) throws Exception {
        List<Map<String, List<WriteRequest>>> calls = ProfileRows.ceilingCalls(
                ProfileRows.requests((int) rows, "ceiling-" + phase + "-" + System.nanoTime()), StoreTables.defaults());
        Map<String, Double> cpu0 = emulatorCpu();
        long t0 = System.nanoTime();
        ProfileRows.putAll(dynamo, calls, 4);
        long t1 = System.nanoTime();
        Map<String, Double> cpu1 = emulatorCpu();
        System.out.printf(
                Locale.ROOT,
                "DRAIN dynamo-writer %s ceiling: the same %,.0f rows as %,d items in %,d BatchWriteItem calls, 4 threads,"
                        + " in %.2f s; local cloud CPU %s%n",
                phase,
                rows,
                ProfileRows.items(calls),
                calls.size(),
                (t1 - t0) / 1e9,
                perRow(cpu0, cpu1, rows));
    }
}
