package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.ingest.publish.IdempotencyConflictException;
import com.ecommerce.pipeline.ingest.stream.StreamUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * RFC 9457 problem details for everything the ingest endpoint refuses. Every 503 is counted in {@code
 * ingest.requests.unavailable}, tagged with its {@code reason} (publish-timeout, throttled,
 * stream-unreachable, stream-error, interrupted), and logged at WARN with the reason, the request's key
 * and row count: at most one line a second, the next line saying how many were left out meanwhile, so a
 * storm of 503s does not flood the log.
 */
@RestControllerAdvice
class IngestProblems {

    private static final Logger log = LoggerFactory.getLogger(IngestProblems.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final MeterRegistry registry;
    private final Map<StreamUnavailableException.Reason, Counter> unavailable =
            new EnumMap<>(StreamUnavailableException.Reason.class);
    private final LongSupplier nanoTime;
    private final Object logLock = new Object();
    private long lastLogged;
    private boolean loggedOnce;
    private long notLogged;

    @Autowired
    IngestProblems(MeterRegistry registry) {
        this(registry, System::nanoTime);
    }

    IngestProblems(MeterRegistry registry, LongSupplier nanoTime) {
        this.registry = registry;
        this.nanoTime = nanoTime;
        for (StreamUnavailableException.Reason reason : StreamUnavailableException.Reason.values()) {
            unavailable.put(
                    reason,
                    Counter.builder("ingest.requests.unavailable")
                            .description("requests answered 503 because the stream did not take them, by reason")
                            .tag("reason", reason.tag())
                            .register(registry));
        }
    }

    @ExceptionHandler
    ProblemDetail invalid(InvalidTransactionsException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST,
                "The request has " + e.errors().size() + " invalid field(s); no row of it was accepted.");
        problem.setTitle("Invalid transactions");
        problem.setType(URI.create("urn:problem:ecommerce-pipeline:invalid-transactions"));
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail keyReused(IdempotencyConflictException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage());
        problem.setTitle("Idempotency-Key reused");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail tooLarge(RequestTooLargeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        problem.setTitle("Request too large");
        return problem;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(StreamUnavailableException e, HttpServletRequest request) {
        unavailable.get(e.reason()).increment();
        // A POST is retried with its Idempotency-Key; a change (PUT/DELETE of one row) by sending it again.
        boolean post = HttpMethod.POST.matches(request.getMethod());
        logUnavailable(e, request.getMethod() + " " + request.getRequestURI(), post);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                post
                        ? "The stream did not take the transactions in time; retry later with the same Idempotency-Key."
                        : "The stream did not take the change in time; retrying the same request later is safe.");
        problem.setTitle("Stream unavailable");
        if (post) {
            // Some rows may already be on the stream: retrying with this key yields the same event ids,
            // which every sink deduplicates, so the retry neither loses nor doubles anything.
            problem.setProperty("idempotencyKey", e.idempotencyKey());
        }
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()))
                .body(problem);
    }

    /** One WARN line per 503, at most one a second; the next line counts those left out. */
    private void logUnavailable(StreamUnavailableException e, String request, boolean post) {
        long left;
        synchronized (logLock) {
            long now = nanoTime.getAsLong();
            if (loggedOnce && now - lastLogged < LOG_INTERVAL_NANOS) {
                notLogged++;
                return;
            }
            loggedOnce = true;
            lastLogged = now;
            left = notLogged;
            notLogged = 0;
        }
        log.warn(
                "503 to {}, reason={}: {}{}; Retry-After {} s{}",
                request,
                e.reason().tag(),
                post
                        ? "Idempotency-Key " + e.idempotencyKey() + ", "
                                + (e.rows() >= 0 ? Integer.toString(e.rows()) : "?") + " rows; "
                        : "",
                e.getMessage(),
                e.retryAfter().toSeconds(),
                left == 0
                        ? ""
                        : " (" + left + " more 503s not logged since the last line; see the metric"
                                + " ingest.requests.unavailable)");
    }
}
