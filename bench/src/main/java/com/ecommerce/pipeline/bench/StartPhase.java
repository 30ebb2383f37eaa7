package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.sec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The start: an empty suite the product's way (`./pipeline down --purge`, `./pipeline up --detach`), the Kinesis
 * emulator it runs, and the tokens of the later phases. It runs before the clients of the local cloud exist, so it is
 * not a {@link Phase}: when it fails the run ends at once.
 */
final class StartPhase {

    /** The tokens (null: security off, requests go without one) and the Kinesis emulator the local cloud started. */
    record Started(String ingestToken, String analystToken, String emulator) {}

    private StartPhase() {}

    /** Each service's JVM options, read from its process, and the JIT they give it. */
    private static void jvmOptions(Stack stack, Report report) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("service", "JVM options (from its process)", "JIT"));
        for (String s : Stack.SERVICES) {
            String options = ProcStats.jvmOptions(stack.pid(s));
            rows.add(List.of(
                    s,
                    "`" + options + "`",
                    options.contains("TieredStopAtLevel=1") ? "C1 only" : "tiered (C1, then C2 for hot code)"));
        }
        report.table(rows);
        report.para("`./pipeline` runs query-api tiered, a long-lived reader where C2's code pays back its compile, and"
                + " the others C1 only: each consumer's capacity is measured in a freshly started JVM, where C2's"
                + " compiler threads cost more than they give back on 2 cores. ingest-service and the consumers get a"
                + " fixed heap with a large young generation, which their short-lived rows and in-flight batches want"
                + " ([commands](../docs/commands.md)).");
    }

    /** The suite is up and healthy, or null (said in the report; the suite stopped again). */
    static Started run(BenchCommand opt, Stack stack, Report report) throws Exception {
        report.heading(2, "Start");
        Stack.Run purge = stack.pipeline(Map.of(), Duration.ofMinutes(3), "down", "--purge");
        String[] upArgs =
                opt.ephemeral ? new String[] {"up", "--detach", "--ephemeral"} : new String[] {"up", "--detach"};
        String upCommand = "`./pipeline " + String.join(" ", upArgs) + "`";
        Stack.Run up = stack.pipeline(opt.servicesEnv(), Duration.ofMinutes(10), upArgs);
        if (up.exit() != 0) {
            report.para(upCommand + " failed (exit " + up.exit() + "):").code(up.tail(30));
            stack.pipeline(Map.of(), Duration.ofMinutes(3), "down");
            return null;
        }
        String kinesis = stack.processes().stream()
                .map(Stack.Proc::name)
                .filter(n -> n.startsWith("kines"))
                .findFirst()
                .orElse("the Kinesis emulator");
        Stack.Token ingest = stack.token("ingest");
        Stack.Token analyst = stack.token("analyst");
        report.para("`./pipeline down --purge` (" + sec(purge.seconds()) + "), then " + upCommand + ": every"
                + " service healthy after " + sec(up.seconds()) + "; Kinesis is " + kinesis
                + ". Tokens (valid 6 h, longer than the run): "
                + (ingest.jwt() != null
                        ? "`ingest` from `./pipeline token --role ingest --ttl 21600`"
                        : ingest.problem())
                + "; "
                + (analyst.jwt() != null
                        ? "`analyst` from `./pipeline token --role analyst --ttl 21600`"
                        : analyst.problem())
                + ". Without a token the requests go without one (security off).");
        jvmOptions(stack, report);
        return new Started(ingest.jwt(), analyst.jwt(), kinesis);
    }
}
