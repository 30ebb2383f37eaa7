package com.ecommerce.pipeline.ingest.transactions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /transactions}: JSON (object or array) or CSV with the dataset's header row. */
@RestController
class TransactionsController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final IngestService ingest;
    private final IngestProperties properties;

    TransactionsController(IngestService ingest, IngestProperties properties) {
        this.ingest = ingest;
        this.properties = properties;
    }

    @PostMapping(path = "/transactions", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<IngestResponse> postJson(
            InputStream body, @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key) throws IOException {
        return accepted(ingest.ingestJson(BoundedBody.read(body, properties.maxBodySize()), key));
    }

    @PostMapping(path = "/transactions", consumes = "text/csv")
    ResponseEntity<IngestResponse> postCsv(
            InputStream body,
            @RequestHeader(name = "Content-Type") MediaType contentType,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key)
            throws IOException {
        Charset charset = contentType.getCharset() != null ? contentType.getCharset() : StandardCharsets.UTF_8;
        return accepted(ingest.ingestCsv(BoundedBody.read(body, properties.maxBodySize()), charset, key));
    }

    private static ResponseEntity<IngestResponse> accepted(IngestService.IngestResult result) {
        // A repeated request is answered as the first was; the header tells a curious client.
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .header("Idempotent-Replayed", Boolean.toString(result.replayed()))
                .body(new IngestResponse(result.accepted(), result.idempotencyKey()));
    }

    record IngestResponse(int accepted, String idempotencyKey) {}
}
