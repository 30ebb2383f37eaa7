package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.ingest.IngestProperties;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** RFC 9457 problem details for the refusals particular to {@code PUT}/{@code DELETE /transactions/{eventId}}. */
@RestControllerAdvice
class CorrectionProblems {

    private static final Logger log = LoggerFactory.getLogger(CorrectionProblems.class);

    private final IngestProperties ingest;

    CorrectionProblems(IngestProperties ingest) {
        this.ingest = ingest;
    }

    @ExceptionHandler
    ProblemDetail notFound(RowNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown row", "unknown-row", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail deleted(RowDeletedException e) {
        return problem(HttpStatus.GONE, "Row deleted", "row-deleted", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail conflict(ConcurrentChangeException e) {
        return problem(HttpStatus.CONFLICT, "Concurrent change", "concurrent-change", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(CorrectionUnavailableException e) {
        log.warn("503 to a change of a row: {} ({})", e.getMessage(), String.valueOf(e.getCause()));
        ProblemDetail problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Change unavailable",
                "change-unavailable",
                e.getMessage() + "; retry later (the same request again is safe).");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(
                        HttpHeaders.RETRY_AFTER,
                        Long.toString(ingest.retryAfter().toSeconds()))
                .body(problem);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("urn:problem:ecommerce-pipeline:" + type));
        return problem;
    }
}
