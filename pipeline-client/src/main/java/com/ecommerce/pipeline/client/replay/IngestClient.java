package com.ecommerce.pipeline.client.replay;

import com.ecommerce.pipeline.schema.input.FieldError;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Posts one batch to {@code POST /transactions} and retries it, with the same {@code Idempotency-Key},
 * until the service answers for good: on 503 and 429 (waiting what {@code Retry-After} says, plus
 * jitter), other 5xx, 408 and connection failures or time-outs (with backoff). A retry is always safe:
 * the service derives the event ids from the caller, the key, each row's position and content, so rows it had
 * already put on the stream get the same ids again and the sinks keep one copy. One {@link HttpClient} (HTTP/1.1, keep-alive) serves every
 * thread.
 *
 * <p>It gives up when no request of this client has been answered for the policy's {@code giveUpAfter}
 * (or a batch used up the policy's attempts), not after a fixed count: a slow but living service is
 * ridden out. Every attempt goes through the {@link InFlightLimit}, which halves on trouble and grows
 * back on success.
 */
public final class IngestClient {

    /** Waits between attempts (tests record instead of sleeping). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Told about every retry, for the progress line and the summary. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(String idempotencyKey, int failedAttempt, String reason, Duration delay);
    }

    /** The final answer for one batch. */
    public sealed interface Outcome {
        int attempts();
    }

    /** 2xx: every row of the request is on the stream. */
    public record Accepted(int accepted, int attempts) implements Outcome {}

    /**
     * 400/413/422: the service refused the request as it is; nothing of it was published. {@code errors}
     * name positions in the request (not file rows).
     */
    public record Refused(int status, String detail, List<FieldError> errors, int attempts) implements Outcome {}

    /** Before any request got through, a refused connection fails the replay after this many attempts. */
    static final int ATTEMPTS_BEFORE_FIRST_CONNECTION = 3;

    private final URI endpoint;
    private final String token;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private final Sleeper sleeper;
    private final RetryListener listener;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicBoolean connectedOnce = new AtomicBoolean();
    private final InFlightLimit inFlight;
    private final AtomicReference<String> caller = new AtomicReference<>();
    /** When a request last got a final answer (or the client was made), in the clock's millis. */
    private final AtomicLong lastAnswer;

    /** No in-flight limit of its own: the caller's threads bound the requests (the bench's use). */
    public IngestClient(
            URI endpoint,
            String token,
            RetryPolicy retry,
            Duration requestTimeout,
            Sleeper sleeper,
            RetryListener listener,
            Clock clock) {
        this(endpoint, token, retry, requestTimeout, sleeper, listener, clock, InFlightLimit.unlimited());
    }

    public IngestClient(
            URI endpoint,
            String token,
            RetryPolicy retry,
            Duration requestTimeout,
            Sleeper sleeper,
            RetryListener listener,
            Clock clock,
            InFlightLimit inFlight) {
        this.inFlight = inFlight;
        this.lastAnswer = new AtomicLong(clock.millis());
        this.endpoint = endpoint;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.sleeper = sleeper;
        this.listener = listener;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public InFlightLimit inFlightLimit() {
        return inFlight;
    }

    /**
     * Posts {@code jsonArray} under {@code idempotencyKey} until the service accepts or refuses it.
     *
     * @param what the rows it holds, for messages ("rows 0-499")
     * @throws ReplayAbortedException when going on makes no sense: the credential is refused, the URL is
     *     not an ingest service, nothing was answered for the policy's {@code giveUpAfter}, or the batch
     *     used up the policy's attempts
     */
    public Outcome post(String idempotencyKey, byte[] jsonArray, String what)
            throws ReplayAbortedException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(jsonArray));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        for (int attempt = 1; ; attempt++) {
            String reason;
            Optional<Duration> retryAfter = Optional.empty();
            InFlightLimit.Permit permit = inFlight.acquire();
            boolean retrying = false;
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                connectedOnce.set(true);
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    answered(permit);
                    return new Accepted(accepted(response.body()), attempt);
                }
                if (status == 400 || status == 413 || status == 422) {
                    answered(permit);
                    return refused(status, response.body(), attempt);
                }
                if (status == 401) {
                    throw new ReplayAbortedException(endpoint + " refused the request without a valid credential"
                            + " (HTTP 401): pass --token TOKEN or set PIPELINE_TOKEN");
                }
                if (status == 403) {
                    throw new ReplayAbortedException(endpoint + " refused the credential (HTTP 403): the token"
                            + " needs the role ingest (or admin)");
                }
                if (status == 404 || status == 405) {
                    throw new ReplayAbortedException(endpoint + " has no POST /transactions (HTTP " + status
                            + "): is --url the ingest service?");
                }
                if (status != 408 && status != 429 && status < 500) {
                    throw new ReplayAbortedException(
                            endpoint + " answered HTTP " + status + ": " + problemDetail(response.body()));
                }
                retryAfter = RetryPolicy.parseRetryAfter(
                        response.headers().firstValue("Retry-After").orElse(null), clock.instant());
                reason = "HTTP " + status
                        + retryAfter
                                .map(d -> " (Retry-After " + d.toSeconds() + " s)")
                                .orElse("");
                retrying = true;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                reason = "cannot connect to " + endpoint.getHost() + ":" + port(endpoint) + " ("
                        + (e instanceof ConnectException ? "connection refused" : "connect timed out") + ")";
                if (!connectedOnce.get()
                        && attempt >= Math.min(ATTEMPTS_BEFORE_FIRST_CONNECTION, retry.maxAttempts())) {
                    throw new ReplayAbortedException(reason + ": is the ingest service running? (./pipeline up)");
                }
                retrying = true;
            } catch (HttpTimeoutException e) {
                reason = "no answer within " + requestTimeout.toSeconds() + " s";
                retrying = true;
            } catch (IOException e) {
                reason = "connection failed ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
                retrying = true;
            } finally {
                if (retrying) {
                    permit.failed();
                } else {
                    permit.abandoned(); // no-op when answered above
                }
            }
            if (attempt >= retry.maxAttempts()) {
                throw new ReplayAbortedException("gave up on " + what + " after " + attempt + " attempts, the last: "
                        + reason + "; re-run the same command to resume (same idempotency keys: nothing is doubled)");
            }
            long silentMillis = clock.millis() - lastAnswer.get();
            if (silentMillis >= retry.giveUpAfter().toMillis()) {
                throw new ReplayAbortedException("gave up on " + what + " after " + attempt + " attempts: no batch"
                        + " accepted for " + describe(retry.giveUpAfter()) + " (--give-up-after), the last: " + reason
                        + "; re-run the same command to resume (same idempotency keys: nothing is doubled)");
            }
            Duration delay = retry.delay(attempt, retryAfter);
            listener.retrying(idempotencyKey, attempt, reason, delay);
            sleeper.sleep(delay);
        }
    }

    private void answered(InFlightLimit.Permit permit) {
        lastAnswer.accumulateAndGet(clock.millis(), Math::max);
        permit.answered();
    }

    /** "2 s", "10 min", "1 h", "90 s". */
    static String describe(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600 && s % 3600 == 0) {
            return s / 3600 + " h";
        }
        if (s >= 60 && s % 60 == 0) {
            return s / 60 + " min";
        }
        return s + " s";
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The 202's row count (-1 if it has none); remembers the caller it names. */
    private int accepted(byte[] body) {
        try {
            JsonNode node = TransactionJson.mapper().readTree(body);
            JsonNode named = node == null ? null : node.get("caller");
            if (named != null && named.isString()) {
                caller.set(named.stringValue());
            }
            JsonNode accepted = node == null ? null : node.get("accepted");
            return accepted != null && accepted.canConvertToInt() ? accepted.intValue() : -1;
        } catch (JacksonException e) {
            return -1;
        }
    }

    /**
     * Who the service took this client to be, as its last 202 said ({@code caller}: part of every event id, so
     * {@code pipeline reconcile} can derive the ids again); null before the first 202.
     */
    public String caller() {
        return caller.get();
    }

    private static Refused refused(int status, byte[] body, int attempts) {
        List<FieldError> errors = new ArrayList<>();
        String detail = problemDetail(body);
        try {
            JsonNode node = TransactionJson.mapper().readTree(body);
            JsonNode list = node == null ? null : node.get("errors");
            if (list != null && list.isArray()) {
                for (JsonNode e : list) {
                    JsonNode row = e.get("row");
                    JsonNode field = e.get("field");
                    JsonNode message = e.get("message");
                    errors.add(new FieldError(
                            row != null && row.canConvertToInt() ? row.intValue() : -1,
                            field == null || field.isNull() ? null : field.asString(),
                            message == null ? "(no message)" : message.asString()));
                }
            }
        } catch (JacksonException e) {
            // not a problem document: the detail says what the body was
        }
        return new Refused(status, detail, errors, attempts);
    }

    /** The problem's detail (RFC 9457), or the start of whatever the body is. */
    static String problemDetail(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        try {
            JsonNode node = TransactionJson.mapper().readTree(body);
            if (node != null && node.isObject()) {
                JsonNode detail = node.get("detail");
                if (detail != null && detail.isString()) {
                    return detail.asString();
                }
            }
        } catch (JacksonException e) {
            // fall through
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ")
                .trim();
        return body.length > 200 ? text + "..." : text;
    }
}
