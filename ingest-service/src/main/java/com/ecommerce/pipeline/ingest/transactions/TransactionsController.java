package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.ingest.publish.Callers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /transactions}: JSON (object or array) or CSV with the dataset's header row. */
@RestController
@Tag(name = "transactions")
class TransactionsController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final IngestService ingest;
    private final IngestProperties properties;

    TransactionsController(IngestService ingest, IngestProperties properties) {
        this.ingest = ingest;
        this.properties = properties;
    }

    private static final String JSON_EXAMPLE =
            """
            [{"InvoiceNo":"536365","StockCode":"85123A","Description":"WHITE HANGING HEART T-LIGHT HOLDER",\
            "Quantity":6,"InvoiceDate":"12/1/2010 8:26","UnitPrice":2.55,"CustomerID":"17850",\
            "Country":"United Kingdom"}]""";
    private static final String CSV_EXAMPLE =
            """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
            """;
    private static final String PROBLEM = "application/problem+json";

    @Operation(
            summary = "Put transactions on the stream",
            description = "A JSON object or array of objects, or CSV with the dataset's header row. Every row is"
                    + " validated first: one invalid row rejects the whole request (400, errors by row and field)"
                    + " and nothing reaches the stream. Needs a bearer token with the role ingest or admin.",
            requestBody =
                    @RequestBody(
                            required = true,
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                        examples = @ExampleObject(name = "one row", value = JSON_EXAMPLE)),
                                @Content(
                                        mediaType = "text/csv",
                                        schema = @Schema(type = "string"),
                                        examples = @ExampleObject(name = "one row", value = CSV_EXAMPLE))
                            }),
            responses = {
                @ApiResponse(responseCode = "202", description = "every row was put on the stream"),
                @ApiResponse(
                        responseCode = "400",
                        description = "invalid rows (errors: row, field, message) or an invalid Idempotency-Key",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "401",
                        description = "no token, or an invalid, expired or foreign one",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "403",
                        description = "the token has neither the ingest nor the admin role",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "413",
                        description = "body or row count over the limit",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "415",
                        description = "neither application/json nor text/csv",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "422",
                        description = "the Idempotency-Key was used before with another body",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "503",
                        description = "the stream did not take the rows in time; retry after Retry-After seconds"
                                + " with the same Idempotency-Key",
                        content = @Content(mediaType = PROBLEM))
            })
    @PostMapping(path = "/transactions", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<IngestResponse> postJson(
            InputStream body,
            @Parameter(hidden = true) Principal principal,
            @Parameter(
                            description = "makes a retry safe: the same key and body are answered as the first"
                                    + " time, without re-publishing (generated when absent); keys are the caller's"
                                    + " own: another caller's same key is another request")
                    @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                    String key)
            throws IOException {
        return accepted(
                ingest.ingestJson(BoundedBody.read(body, properties.maxBodySize()), key, Callers.of(principal)));
    }

    @Operation(hidden = true) // described together with the JSON variant above
    @PostMapping(path = "/transactions", consumes = "text/csv")
    ResponseEntity<IngestResponse> postCsv(
            InputStream body,
            Principal principal,
            @RequestHeader(name = "Content-Type") MediaType contentType,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key)
            throws IOException {
        Charset charset = contentType.getCharset() != null ? contentType.getCharset() : StandardCharsets.UTF_8;
        return accepted(ingest.ingestCsv(
                BoundedBody.read(body, properties.maxBodySize()), charset, key, Callers.of(principal)));
    }

    private static ResponseEntity<IngestResponse> accepted(IngestService.IngestResult result) {
        // A repeated request is answered as the first was; the header tells a curious client.
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .header("Idempotent-Replayed", Boolean.toString(result.replayed()))
                .body(new IngestResponse(result.accepted(), result.idempotencyKey(), result.caller()));
    }

    /**
     * @param caller who the service took the sender to be: part of every event id (a client that re-derives its
     *     ids, as {@code pipeline reconcile} does, records it)
     */
    record IngestResponse(int accepted, String idempotencyKey, String caller) {}
}
