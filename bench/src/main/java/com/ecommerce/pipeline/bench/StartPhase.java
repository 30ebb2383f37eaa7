package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.sec;

import java.time.Duration;
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
        return new Started(ingest.jwt(), analyst.jwt(), kinesis);
    }
}
