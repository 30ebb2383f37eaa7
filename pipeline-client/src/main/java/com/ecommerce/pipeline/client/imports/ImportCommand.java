package com.ecommerce.pipeline.client.imports;

import com.ecommerce.pipeline.client.cli.Subcommand;
import com.ecommerce.pipeline.client.ingest.IngestOptions;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./pipeline import}: asks ingest-service to run a pass of the batch import now ({@code POST
 * /imports}), waits until the files it picked up are DONE or FAILED, and prints every import file's status
 * ({@code GET /imports}).
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Runs a pass of the batch import in ingest-service now: the new or changed files under"
                    + " s3://ecommerce-raw/import/ (CSV or JSON lines, plain or gzip) go through the stream,"
                    + " each file once. Waits for the files picked up, then prints every import file's status.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every file picked up was imported (or nothing was new)",
            "1:a file picked up FAILED (its reason is listed), the wait timed out, or the service refused",
            "2:bad command line, or the service is unreachable"
        })
public final class ImportCommand implements Callable<Integer>, Subcommand {

    @Spec
    CommandSpec spec;

    @Mixin
    IngestOptions ingest;

    @Option(names = "--retry-failed", description = "also import again the FAILED files whose content did not change")
    boolean retryFailed;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "1800",
            showDefaultValue = Visibility.ALWAYS,
            description = "how long to wait for the files picked up (0: do not wait)")
    int waitSeconds;

    @Override
    public String usageLine() {
        return "pipeline import [--retry-failed] [--url URL] [--token TOKEN] [--wait SECONDS]";
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI url = ingest.url(spec);
        String bearer = ingest.bearer("admin", "PIPELINE_ADMIN_TOKEN", err);
        URI imports = url.resolve("/imports");
        try {
            JsonNode pass = send(
                    HttpRequest.newBuilder(URI.create(imports + (retryFailed ? "?retryFailed=true" : "")))
                            .POST(HttpRequest.BodyPublishers.noBody()),
                    bearer,
                    202);
            Set<String> picked = new HashSet<>();
            pass.path("pickedUp").forEach(f -> picked.add(f.path("key").asString()));
            out.printf(
                    Locale.ROOT,
                    "import pass started: %d file(s) picked up%s%n",
                    picked.size(),
                    picked.isEmpty() ? " (nothing new or changed)" : "");
            out.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
            JsonNode status = status(imports, bearer);
            while (!finished(status, picked) && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                status = status(imports, bearer);
            }
            print(out, status);
            boolean finished = finished(status, picked);
            boolean failed = false;
            for (JsonNode f : status.path("files")) {
                failed |= picked.contains(f.path("key").asString())
                        && f.path("state").asString().equals("FAILED");
            }
            if (!finished) {
                err.println("pipeline import: the files picked up were not all finished within " + waitSeconds
                        + " s; ./pipeline import again shows their status");
                return 1;
            }
            return failed ? 1 : 0;
        } catch (Refused e) {
            err.println("pipeline import: " + e.getMessage());
            return 1;
        } catch (ConnectException e) {
            err.println("pipeline import: ingest-service is not reachable at " + url + " (is it running?)");
            return 2;
        } catch (IOException e) {
            err.println("pipeline import: " + url + ": " + e.getMessage());
            return 2;
        }
    }

    private JsonNode status(URI imports, String bearer) throws IOException, InterruptedException, Refused {
        return send(HttpRequest.newBuilder(imports).GET(), bearer, 200);
    }

    private static boolean finished(JsonNode status, Set<String> picked) {
        for (JsonNode f : status.path("files")) {
            String state = f.path("state").asString();
            if (picked.contains(f.path("key").asString()) && (state.equals("PENDING") || state.equals("RUNNING"))) {
                return false;
            }
        }
        return true;
    }

    private JsonNode send(HttpRequest.Builder request, String bearer, int expected)
            throws IOException, InterruptedException, Refused {
        request.timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = TransactionJson.mapper().readTree(response.body());
        } catch (JacksonException e) {
            body = null;
        }
        if (response.statusCode() == expected && body != null) {
            return body;
        }
        String detail =
                body != null && body.has("detail") ? body.get("detail").asString() : "HTTP " + response.statusCode();
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new Refused("ingest-service refused the credential (" + detail + "): the import needs the role admin"
                    + " (--token, or a reachable --issuer)");
        }
        throw new Refused(request.build().method() + " " + request.build().uri() + ": " + detail);
    }

    private static void print(PrintWriter out, JsonNode status) {
        List<JsonNode> files = new ArrayList<>();
        status.path("files").forEach(files::add);
        String row = "%-44s %-8s %10s %10s %-16s %s%n";
        out.printf(Locale.ROOT, row, "file", "state", "rows", "accepted", "sha256", "finished / reason");
        for (JsonNode f : files) {
            String sha = f.path("sha256").asString("");
            out.printf(
                    Locale.ROOT,
                    row,
                    f.path("key").asString(),
                    f.path("state").asString(),
                    String.format(Locale.ROOT, "%,d", f.path("rows").asLong()),
                    String.format(Locale.ROOT, "%,d", f.path("accepted").asLong()),
                    sha.length() > 16 ? sha.substring(0, 16) : sha,
                    f.path("finishedAt").asString("")
                            + (f.path("reason").isString()
                                    ? "  " + f.path("reason").asString()
                                    : ""));
        }
        if (files.isEmpty()) {
            out.println("(no import files yet: put CSV or JSON-lines files under s3://ecommerce-raw/import/)");
        }
        out.println("counts: " + status.path("counts"));
    }

    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
