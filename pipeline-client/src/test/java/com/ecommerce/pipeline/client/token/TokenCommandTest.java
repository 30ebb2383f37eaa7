package com.ecommerce.pipeline.client.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.localcloud.tokens.TokenIssuer;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code pipeline token} against a real local token issuer (the one ./pipeline up runs), on a free port. */
class TokenCommandTest {

    private static TokenIssuer issuer;
    private static String url;

    @BeforeAll
    static void start() {
        issuer = TokenIssuer.start(0, null, "pipeline-local", null);
        url = "http://localhost:" + issuer.port();
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "token";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = PipelineCommand.execute(new PrintWriter(out), new PrintWriter(err), all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsOnlyAnIngestTokenSignedByTheIssuer() throws Exception {
        Run run = run("--role", "ingest", "--issuer", url);

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(1);
        SignedJWT jwt = SignedJWT.parse(run.out().strip());
        var key = JWKSet.load(URI.create(url + "/.well-known/jwks.json").toURL())
                .getKeys()
                .get(0)
                .toRSAKey();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("cognito:groups")).containsExactly("ingest");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(url);
    }

    @Test
    void aCustomerTokenWithAShortLife() throws Exception {
        Run run = run("--customer", "17850", "--ttl", "120", "--issuer", url);

        assertThat(run.code()).as(run.err()).isZero();
        var claims = SignedJWT.parse(run.out().strip()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("custom:customer_id")).isEqualTo("17850");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
                .isEqualTo(120_000);
    }

    @Test
    void anUnreachableIssuerIsOneLineAndExit2() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run run = run("--role", "ingest", "--issuer", "http://localhost:" + closed);

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err())
                .startsWith("pipeline token: the token issuer at http://localhost:" + closed + " is not reachable");
    }

    @Test
    void badRequestsAreOneLineAndExit2() {
        Run unknownRole = run("--role", "root", "--issuer", url);
        assertThat(unknownRole.code()).isEqualTo(2);
        assertThat(unknownRole.err()).isEqualTo("pipeline token: unknown role 'root': use ingest, analyst or admin\n");

        Run neither = run("--issuer", url);
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).startsWith("pipeline token: give --role");

        Run both = run("--role", "ingest", "--customer", "1", "--issuer", url);
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.out()).isEmpty();
    }
}
