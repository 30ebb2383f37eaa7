package com.ecommerce.pipeline.warehouse;

import com.ecommerce.pipeline.consumer.DrainProfile;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;

/**
 * warehouse-loader's drain of a standing backlog into the real warehouse, profiled ({@link DrainProfile}); after
 * each drain, the time and PostgreSQL CPU until the BI fold has emptied {@code bi_pending} (the summaries exact).
 * Not part of the default run: {@code mvn -pl warehouse-loader -am verify -Dtest=none -Dit.test=DrainProfileIT
 * -Ddrain.profile=true [-Ddrain.rows=150000] -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class DrainProfileIT extends DrainProfile {

    @Autowired
    DataSource dataSource;

    DrainProfileIT() {
        super("warehouse-loader");
    }

    @Override
    protected void afterDrain(String phase, double rows) throws Exception {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Map<String, Double> cpu0 = emulatorCpu();
        long t0 = System.nanoTime();
        long deadline = t0 + 600_000_000_000L;
        while (jdbc.sql("SELECT count(*) FROM bi_pending").query(Long.class).single() > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.printf(
                Locale.ROOT,
                "DRAIN warehouse-loader %s: BI folded %.2f s after the last row; local cloud CPU meanwhile %s%n",
                phase,
                (System.nanoTime() - t0) / 1e9,
                perRow(cpu0, emulatorCpu(), rows));
    }
}
