package com.ecommerce.pipeline.client.token;

import com.ecommerce.pipeline.client.cli.IssuerOption;
import com.ecommerce.pipeline.client.cli.Subcommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pipeline token --role ingest|analyst|admin} or {@code --customer ID}: prints a bearer token from the
 * local token issuer, for {@code curl -H "Authorization: Bearer $(./pipeline token --role analyst)"}. Only the token
 * goes to stdout; a problem is one line on stderr and exit code 2.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = "Prints a bearer token from the local token issuer (./pipeline up runs it on port 8089).")
public final class TokenCommand implements Callable<Integer>, Subcommand {

    static final int OK = 0;
    static final int FAILED = 2;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            description = "ingest, analyst or admin (repeatable: --role analyst --role ingest)")
    List<String> roles = new ArrayList<>();

    @Option(
            names = "--customer",
            paramLabel = "ID",
            description = "a customer's token: reads only that customer's invoices")
    String customer;

    @Mixin
    IssuerOption issuer;

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "how long the token is valid (default: one hour)")
    Long ttlSeconds;

    @Override
    public Integer call() {
        if (roles.isEmpty() == (customer == null)) {
            return fail("give --role ingest|analyst|admin (repeatable) or --customer ID");
        }
        try {
            String token = new IssuerClient(issuer.issuer())
                    .mint(roles, customer, ttlSeconds == null ? null : Duration.ofSeconds(ttlSeconds));
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
            return OK;
        } catch (IssuerClient.IssuerUnavailableException | IssuerClient.TokenRefusedException e) {
            return fail(e.getMessage());
        }
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("pipeline token: " + message);
        spec.commandLine().getErr().flush();
        return FAILED;
    }

    @Override
    public String usageLine() {
        return "pipeline token --role ingest|analyst|admin | --customer ID [--issuer URL] [--ttl SECONDS]";
    }
}
