package com.ecommerce.pipeline.ingest.transactions;

import com.ecommerce.pipeline.ingest.IngestProperties;
import com.ecommerce.pipeline.ingest.corrections.CorrectionService;
import com.ecommerce.pipeline.ingest.corrections.CorrectionService.ChangeResult;
import com.ecommerce.pipeline.ingest.publish.Callers;
import com.ecommerce.pipeline.schema.input.FieldError;
import com.ecommerce.pipeline.schema.input.ParseResult;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PUT /transactions/{eventId}} (the row's full new image, one JSON object validated like a POST row) and
 * {@code DELETE /transactions/{eventId}}: a correction or a deletion of one row, applied by every sink
 * (docs/corrections.md).
 */
@RestController
@Tag(name = "transactions")
class CorrectionsController {

    /** Event ids are UUIDs as {@code EventIds} writes them: lower-case hex. */
    private static final Pattern EVENT_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final String PROBLEM = "application/problem+json";

    private final CorrectionService corrections;
    private final IngestProperties properties;

    CorrectionsController(CorrectionService corrections, IngestProperties properties) {
        this.corrections = corrections;
        this.properties = properties;
    }

    @Operation(
            summary = "Correct one row",
            description = "The row's full new image, one JSON object with the dataset's eight fields, validated"
                    + " like a POST row. Idempotent: the same image again creates no new version. A new InvoiceNo or"
                    + " CustomerID moves the row. Needs the role ingest or admin.",
            responses = {
                @ApiResponse(responseCode = "202", description = "the correction is on the stream"),
                @ApiResponse(
                        responseCode = "400",
                        description = "an invalid image or event id",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "404",
                        description = "an event id never seen",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "409",
                        description = "concurrent changes of the row; retry",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "410",
                        description = "the row was deleted",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "503",
                        description = "the stream, the warehouse or the row-versions table is unavailable; retry",
                        content = @Content(mediaType = PROBLEM))
            })
    @PutMapping(path = "/transactions/{eventId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ChangeResponse> put(
            @PathVariable String eventId, InputStream body, @Parameter(hidden = true) Principal principal)
            throws IOException {
        checkEventId(eventId);
        byte[] bytes = BoundedBody.read(body, properties.maxBodySize());
        String notUtf8 = Utf8.problem(bytes);
        if (notUtf8 != null) {
            throw new InvalidTransactionsException(List.of(new FieldError(-1, null, notUtf8)));
        }
        ParseResult parsed = TransactionJson.parseRequest(bytes);
        if (!parsed.valid()) {
            throw new InvalidTransactionsException(parsed.errors());
        }
        if (!isObject(bytes)) {
            throw new InvalidTransactionsException(List.of(new FieldError(
                    -1, null, "a correction is one JSON object (the row's full new image), not an array")));
        }
        return accepted(corrections.upsert(eventId, parsed.transactions().get(0), Callers.of(principal)));
    }

    @Operation(
            summary = "Delete one row",
            description = "Idempotent: deleting a deleted row answers as the first time. Needs the role ingest or"
                    + " admin.",
            responses = {
                @ApiResponse(responseCode = "202", description = "the deletion is on the stream"),
                @ApiResponse(
                        responseCode = "404",
                        description = "an event id never seen",
                        content = @Content(mediaType = PROBLEM)),
                @ApiResponse(
                        responseCode = "503",
                        description = "the stream, the warehouse or the row-versions table is unavailable; retry",
                        content = @Content(mediaType = PROBLEM))
            })
    @DeleteMapping("/transactions/{eventId}")
    ResponseEntity<ChangeResponse> delete(@PathVariable String eventId, @Parameter(hidden = true) Principal principal) {
        checkEventId(eventId);
        return accepted(corrections.delete(eventId, Callers.of(principal)));
    }

    private static void checkEventId(String eventId) {
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw new InvalidTransactionsException(List.of(new FieldError(
                    -1, "eventId", "an event id is a lower-case UUID (as GET /invoices/{no} lists it)")));
        }
    }

    private static boolean isObject(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{';
            }
        }
        return false;
    }

    private static ResponseEntity<ChangeResponse> accepted(ChangeResult result) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .header("Idempotent-Replayed", Boolean.toString(result.replayed()))
                .body(new ChangeResponse(result.eventId(), result.version(), result.deleted(), result.invoiceNo()));
    }

    /**
     * @param version the row's version now (0: never changed)
     * @param invoiceNo the invoice the row is in now (a deleted row: the one it was deleted from)
     */
    record ChangeResponse(String eventId, long version, boolean deleted, String invoiceNo) {}
}
