package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.ingest.stream.StreamUnavailableException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** RFC 9457 problem details for everything the ingest endpoint refuses. */
@RestControllerAdvice
class IngestProblems {

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
    ResponseEntity<ProblemDetail> unavailable(StreamUnavailableException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                "The stream did not take the transactions in time; retry later with the same Idempotency-Key.");
        problem.setTitle("Stream unavailable");
        // Some rows may already be on the stream: retrying with this key yields the same event ids,
        // which every sink deduplicates, so the retry neither loses nor doubles anything.
        problem.setProperty("idempotencyKey", e.idempotencyKey());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()))
                .body(problem);
    }
}
