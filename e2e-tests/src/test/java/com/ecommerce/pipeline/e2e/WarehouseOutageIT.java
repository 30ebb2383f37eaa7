package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.e2e.SampleRows.Row;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The warehouse stopped for 30 s in the middle of a load, with warehouse-loader running as a process on the stream:
 * its PostgreSQL connections go through a {@link TcpProxy} that cuts every open connection and refuses new ones for
 * the outage (the database keeps its data, as a restarted server would). The loader must retry without
 * checkpointing, then catch up, losing and doubling nothing.
 */
@Order(3)
class WarehouseOutageIT {

    @Test
    void theWarehouseAwayForThirtySecondsMidLoadLosesAndDoublesNothing() throws Exception {
        long start = System.nanoTime();
        Stack stack = Stack.get();
        List<Row> sample = stack.sample();
        Faults.Outcome outcome = Faults.outage(
                stack, stack.warehouseProxy, stack.warehouseLoader, "e2e-warehouse-outage", sample.subList(0, 2000));
        FaultReport.add(
                "warehouse unavailable",
                "warehouse-loader's PostgreSQL connections cut and refused for " + Faults.OUTAGE.toSeconds()
                        + " s mid-load (TCP proxy)",
                1,
                outcome.reconciliation(),
                start,
                outcome.notes());
        outcome.assertSurvived("warehouse-loader");
    }
}
