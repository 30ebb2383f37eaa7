package com.ecommerce.pipeline.lake.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlQueryTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT count(*) FROM transactions",
                "  with t AS (SELECT 1) SELECT * FROM t;",
                "SELECT replace(description, 'A', 'B') FROM transactions WHERE description = 'DROP TABLE x'",
                "-- a comment\nSELECT 1",
                "DESCRIBE TABLE transactions",
                "SHOW TABLES"
            })
    void queriesPass(String sql) {
        assertThat(SqlQuery.check(sql)).doesNotEndWith(";");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DROP TABLE transactions",
                "INSERT INTO transactions SELECT * FROM transactions",
                "WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t",
                "DELETE FROM transactions",
                "CALL lake.system.expire_snapshots('ecommerce.transactions')",
                "SET spark.sql.ansi.enabled=false"
            })
    void writesAreRefused(String sql) {
        assertThatThrownBy(() -> SqlQuery.check(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("only queries run here");
    }

    @Test
    void oneStatementAtATime() {
        assertThatThrownBy(() -> SqlQuery.check("SELECT 1; DROP TABLE transactions"))
                .hasMessageContaining("one statement at a time");
        assertThatThrownBy(() -> SqlQuery.check("  ; ")).hasMessageStartingWith("no SQL statement given");
    }
}
