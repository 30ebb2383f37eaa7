package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.client.cli.Subcommand;
import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.cloud.CloudSettings;
import com.ecommerce.pipeline.client.cloud.StoreOptions;
import com.ecommerce.pipeline.client.cloud.StoreUnavailableException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ./pipeline rebuild dynamo|warehouse}: a sink rebuilt from the S3 archive alone, through the sink
 * code the consumer uses ({@link DynamoSink}, {@link WarehouseSink}), after its tables were dropped or
 * emptied. {@link ArchiveReplay} hands the sink whole consumer batches in stream order, so DynamoDB gets
 * whole invoice pieces, as dynamo-store's writer requires. Missing tables are created first: DynamoDB's with
 * dynamo-store's key layout ({@link StoreTables#createMissing}), the warehouse's by warehouse-sink's Flyway
 * migrations.
 */
@Command(
        name = "rebuild",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Rebuilds a sink from the S3 raw archive alone: dynamo (the invoices and customers tables) or"
                    + " warehouse (firehose_transactions and its BI summaries). Missing tables are created"
                    + " first; the archive is written again batch by batch, in stream order, through the same"
                    + " sink code the consumer uses, so the result equals what the consumer wrote (a re-posted"
                    + " invoice piece whose event ids were all written already is skipped). Safe to run on a"
                    + " sink that is not empty (its writes are idempotent).",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:rebuilt",
            "1:a write failed (run it again: it is idempotent)",
            "2:bad command line, or a store unreachable"
        })
public final class RebuildCommand implements Callable<Integer>, Subcommand {

    enum Target {
        dynamo,
        warehouse
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SINK", description = "dynamo or warehouse")
    Target target;

    @Mixin
    StoreOptions stores;

    @Option(names = "--debug", hidden = true)
    boolean debug;

    @Override
    public String usageLine() {
        return "pipeline rebuild dynamo|warehouse [--config FILE] [--set NAME=VALUE]";
    }

    @Override
    public boolean debug() {
        return debug;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CloudSettings settings;
        try {
            settings = stores.load();
        } catch (IOException e) {
            err.println("pipeline rebuild: " + e.getMessage());
            return 2;
        }
        try (S3Client s3 = settings.s3();
                DynamoDbClient dynamo = settings.dynamo()) {
            Archive archive = new Archive(s3, settings);
            Sink sink;
            String where;
            if (target == Target.dynamo) {
                DynamoWriterProperties p = settings.bind(DynamoWriterProperties.PREFIX, DynamoWriterProperties.class);
                ensureTables(dynamo, p);
                sink = new DynamoSink(dynamo, p, new SimpleMeterRegistry());
                where = "DynamoDB " + p.invoicesTable() + " + " + p.customersTable() + " at "
                        + settings.describe("dynamodb");
            } else {
                DataSource dataSource = settings.dataSource();
                migrate(dataSource);
                sink = new WarehouseSink(dataSource, new SimpleMeterRegistry());
                where = "the warehouse at " + settings.jdbcUrl();
            }
            out.printf(Locale.ROOT, "rebuilding %s from %s%n", where, archive.location());
            out.flush();
            ArchiveReplay.Result r = new ArchiveReplay(archive, sink).run();
            out.printf(
                    Locale.ROOT,
                    "rebuilt %s: %,d events written from %,d archive objects (%,d lines; %,d copies of an event id"
                            + " skipped) in %.1f s (%,.0f events/s)%n",
                    target,
                    r.events(),
                    r.objects(),
                    r.lines(),
                    r.copies(),
                    r.seconds(),
                    r.seconds() > 0 ? r.events() / r.seconds() : 0);
            return 0;
        } catch (StoreUnavailableException e) {
            err.println("pipeline rebuild: " + e.getMessage());
            return 2;
        } catch (SdkClientException e) {
            err.println("pipeline rebuild: a store is unreachable: " + e.getMessage());
            return 2;
        } catch (SQLException e) {
            err.println("pipeline rebuild: the warehouse: " + e.getMessage());
            return e.getSQLState() != null && e.getSQLState().startsWith("08") ? 2 : 1;
        } catch (ArchiveReplay.WriteFailedException e) {
            err.println("pipeline rebuild: " + e.getMessage() + " (running it again is safe)");
            return 1;
        }
    }

    /**
     * The sink's two tables, created if missing with dynamo-store's key layout. A table still being deleted
     * (DeleteTable answers at once, the table goes later) is waited for until it has gone.
     */
    static void ensureTables(DynamoDbClient dynamo, DynamoWriterProperties p) {
        StoreTables tables = p.tables();
        for (String table : tables.names()) {
            try {
                if (dynamo.describeTable(r -> r.tableName(table)).table().tableStatus() == TableStatus.DELETING) {
                    dynamo.waiter().waitUntilTableNotExists(r -> r.tableName(table));
                }
            } catch (ResourceNotFoundException e) {
                // gone already: created below
            }
        }
        tables.createMissing(dynamo);
    }

    /**
     * The warehouse schema's migrations (warehouse-sink's db/migration, which warehouse-loader runs too). A dropped {@code firehose_transactions} whose migration
     * history survived cannot be migrated again: said in one line rather than guessed at.
     */
    static void migrate(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean history = exists(c, "flyway_schema_history");
            boolean table = exists(c, "firehose_transactions");
            if (history && !table) {
                throw new StoreUnavailableException(
                        "firehose_transactions is missing but flyway_schema_history says the migrations ran; drop"
                                + " the warehouse schema (DROP SCHEMA public CASCADE; CREATE SCHEMA public;) and run"
                                + " the rebuild again",
                        null);
            }
        }
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
