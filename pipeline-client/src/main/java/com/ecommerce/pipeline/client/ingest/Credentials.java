package com.ecommerce.pipeline.client.ingest;

import com.ecommerce.pipeline.client.token.IssuerClient;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;

/**
 * The bearer token a command sends: the one given ({@code --token} or its environment variable), else one
 * with the needed role fetched from the local token issuer when it is reachable, else none (a service with
 * security off needs none; one with security on then answers 401, which the command reports).
 */
public final class Credentials {

    private Credentials() {}

    public static String token(String given, URI issuer, String role, PrintWriter err) {
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        if (issuer == null) {
            return null;
        }
        try {
            return new IssuerClient(issuer).forRoles(role);
        } catch (IssuerClient.IssuerUnavailableException e) {
            return null; // no local issuer: the service is expected to run with security off
        } catch (IssuerClient.TokenRefusedException e) {
            err.printf(
                    Locale.ROOT,
                    "note: the token issuer at %s refused a %s token (%s); sending none%n",
                    issuer,
                    role,
                    e.getMessage());
            return null;
        }
    }
}
