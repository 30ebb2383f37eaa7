package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL in the CPU tables, on the local cloud's real embedded PostgreSQL (free ports): its postmaster is found by
 * its port, and the CPU of a backend whose connection has closed still counts.
 */
class ProcStatsIT {

    @Test
    void thePostmasterIsFoundByItsPortAndCountsTheCpuOfClosedConnections() throws Exception {
        LocalCloud cloud = LocalCloud.shared();
        int port = cloud.config().ports().get("postgres");
        long postmaster = ProcStats.postmaster(port);
        assertThat(postmaster).isPositive();
        assertThat(ProcStats.describe(postmaster)).isEqualTo("PostgreSQL");
        assertThat(ProcStats.postmaster(port + 1 == 65536 ? 1 : port + 1)).isEqualTo(-1);

        double before = ProcStats.cpuSecondsWithExitedChildren(postmaster);
        Endpoints e = cloud.endpoints();
        long backend;
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                backend = rs.getLong(1);
            }
            // about a second of a backend's CPU
            s.execute("SELECT count(*) FROM generate_series(1, 8000000)");
        }
        for (int i = 0;
                i < 100 && ProcessHandle.of(backend).map(ProcessHandle::isAlive).orElse(false);
                i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(backend).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        // the backend has exited: only the postmaster's count of reaped children still holds its CPU
        assertThat(ProcStats.cpuSecondsWithExitedChildren(postmaster) - before).isGreaterThan(0.2);
    }
}
