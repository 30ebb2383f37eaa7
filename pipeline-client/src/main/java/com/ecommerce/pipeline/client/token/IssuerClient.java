package com.ecommerce.pipeline.client.token;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mints a bearer token from the local token issuer (the local cloud's stand-in for a Cognito user pool): the OAuth 2
 * client-credentials grant at {@code POST <issuer>/token}, as its app client {@code pipeline-local} (whose local secret
 * is its id), with the issuer's own {@code role}/{@code customer}/{@code ttl} fields naming the token's user. {@code
 * ./pipeline token} prints one; {@code ./pipeline replay} fetches an {@code ingest} token with it when no {@code
 * --token} is given.
 */
public final class IssuerClient {

    /** Where {@code ./pipeline up} runs the issuer. */
    public static final URI DEFAULT_ISSUER = URI.create("http://localhost:8089");

    /** The local issuer's app client; its local secret is the same string. */
    public static final String CLIENT_ID = "pipeline-local";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI issuer;
    private final HttpClient http;
    private final Duration timeout;

    public IssuerClient(URI issuer) {
        this(issuer, Duration.ofSeconds(10));
    }

    public IssuerClient(URI issuer, Duration timeout) {
        String s = issuer.toString();
        this.issuer = s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : issuer;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The issuer could not be reached, or did not answer like one. The message is one line. */
    public static final class IssuerUnavailableException extends RuntimeException {
        public IssuerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The issuer refused the request (a 4xx problem); the message is its detail. */
    public static final class TokenRefusedException extends RuntimeException {
        public TokenRefusedException(String message) {
            super(message);
        }
    }

    /** A token with these roles (ingest, analyst, admin). */
    public String forRoles(String... roles) {
        return mint(List.of(roles), null, null);
    }

    /** A token of this customer. */
    public String forCustomer(String customerId) {
        return mint(List.of(), customerId, null);
    }

    /**
     * A token for the roles or the customer, valid for {@code ttl} (null: the issuer's default, one hour).
     *
     * @throws IssuerUnavailableException when the issuer cannot be reached
     * @throws TokenRefusedException when it refuses the request
     */
    public String mint(List<String> roles, String customerId, Duration ttl) {
        List<String> fields = new ArrayList<>();
        fields.add("grant_type=client_credentials");
        roles.forEach(r -> fields.add("role=" + encode(r)));
        if (customerId != null) {
            fields.add("customer=" + encode(customerId));
        }
        if (ttl != null) {
            fields.add("ttl=" + ttl.toSeconds());
        }
        URI endpoint = URI.create(issuer + "/token");
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((encode(CLIENT_ID) + ":" + encode(CLIENT_ID))
                                                .getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", fields)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IssuerUnavailableException(
                    "the token issuer at " + issuer + " is not reachable (" + describe(e)
                            + "); is the local cloud running (./pipeline up), or give --issuer URL",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IssuerUnavailableException("interrupted while asking " + issuer + " for a token", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            body = null;
        }
        int status = response.statusCode();
        if (status >= 400 && status < 500 && body != null && body.hasNonNull("error")) {
            // an OAuth 2 error (RFC 6749 §5.2): the description says what was wrong with the request
            throw new TokenRefusedException(
                    body.hasNonNull("error_description")
                            ? body.get("error_description").asString()
                            : body.get("error").asString());
        }
        if (status != 200 || body == null || !body.hasNonNull("access_token")) {
            throw new IssuerUnavailableException(
                    endpoint + " answered HTTP " + status + " without a token: is " + issuer + " the token issuer?",
                    null);
        }
        return body.get("access_token").asString();
    }

    public URI issuer() {
        return issuer;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException || message == null || message.isBlank()) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return message.lines().findFirst().orElse(message);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
