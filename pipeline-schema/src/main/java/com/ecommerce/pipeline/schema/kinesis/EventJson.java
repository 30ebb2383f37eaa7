package com.ecommerce.pipeline.schema.kinesis;

import com.ecommerce.pipeline.schema.input.IsoTimes;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.input.TransactionValidator;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The event line: one event as single-line JSON, as it travels on Kinesis and lands in the archive. */
public final class EventJson {

    private static final String EVENT_ID = "eventId";
    private static final String INGEST = "ingest";
    private static final String CHANGE = "change";

    private static final JsonMapper MAPPER = TransactionJson.mapper();

    private EventJson() {}

    /**
     * One event as a single-line JSON object: the eight dataset fields flat beside "eventId", the
     * ingest metadata nested. InvoiceDate is written ISO-8601 with seconds, UnitPrice as an exact number.
     * A change (not an insert) adds {@code "change":{"kind","version","previous":{"InvoiceNo","CustomerID"}}};
     * an insert is written exactly as before changes existed.
     */
    public static byte[] write(TransactionEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty(EVENT_ID, e.eventId());
            TransactionJson.writeFields(g, e.transaction());
            IngestMetadata m = e.ingest();
            g.writeName(INGEST);
            g.writeStartObject();
            g.writeStringProperty("idempotencyKey", m.idempotencyKey());
            g.writeNumberProperty("row", m.row());
            g.writeStringProperty("receivedAt", IsoTimes.format(m.receivedAt()));
            g.writeStringProperty("source", m.source());
            g.writeStringProperty("caller", m.caller());
            g.writeEndObject();
            RowChange change = e.change();
            if (!change.isInsert()) {
                g.writeName(CHANGE);
                g.writeStartObject();
                g.writeStringProperty("kind", change.kind().name());
                g.writeNumberProperty("version", change.version());
                g.writeName("previous");
                g.writeStartObject();
                g.writeStringProperty("InvoiceNo", change.previous().invoiceNo());
                if (change.previous().customerId() == null) {
                    g.writeNullProperty("CustomerID");
                } else {
                    g.writeStringProperty("CustomerID", change.previous().customerId());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Reads one event line as written by {@link #write}. The transaction fields are validated as at
     * ingest, so anything that decodes satisfies the same rules; unknown fields are ignored so that a
     * newer writer can add some.
     *
     * @throws MalformedRecordException if it is not JSON, not an object, or a field is missing or wrong
     */
    public static TransactionEvent read(byte[] json) throws MalformedRecordException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new MalformedRecordException("event is not valid JSON: " + TransactionJson.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedRecordException("event must be a JSON object, not "
                    + (root == null || root.isMissingNode() ? "nothing" : TransactionJson.typeOf(root)));
        }
        JsonNode idNode = root.get(EVENT_ID);
        if (idNode == null || !idNode.isString() || idNode.stringValue().isEmpty()) {
            throw new MalformedRecordException("event has no eventId (a non-empty string)");
        }
        String eventId = idNode.stringValue();
        RowResult row = TransactionJson.readFields(root);
        if (row instanceof RowResult.Invalid invalid) {
            StringBuilder sb = new StringBuilder("event ").append(eventId).append(": ");
            for (int i = 0; i < invalid.errors().size(); i++) {
                sb.append(i == 0 ? "" : "; ").append(invalid.errors().get(i).message());
            }
            throw new MalformedRecordException(sb.toString());
        }
        IngestMetadata ingest = readIngest(eventId, root.get(INGEST));
        RowChange change = readChange(eventId, root.get(CHANGE));
        return new TransactionEvent(eventId, ((RowResult.Valid) row).transaction(), ingest, change);
    }

    /** An event without {@code change} (every event written before changes existed) is an insert, version 0. */
    private static RowChange readChange(String eventId, JsonNode node) throws MalformedRecordException {
        if (node == null || node.isNull()) {
            return RowChange.INSERT;
        }
        String prefix = "event " + eventId + ": ";
        if (!node.isObject()) {
            throw new MalformedRecordException(prefix + "change must be an object");
        }
        JsonNode kindNode = node.get("kind");
        RowChange.Kind kind = null;
        if (kindNode != null && kindNode.isString()) {
            for (RowChange.Kind k : RowChange.Kind.values()) {
                if (k.name().equals(kindNode.stringValue())) {
                    kind = k;
                }
            }
        }
        if (kind == null) {
            throw new MalformedRecordException(prefix + "change.kind must be INSERT, UPSERT or DELETE");
        }
        JsonNode version = node.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToLong() || version.longValue() < 0) {
            throw new MalformedRecordException(prefix + "change.version must be an integer >= 0");
        }
        JsonNode previous = node.get("previous");
        RowChange.Place place = null;
        if (previous != null && !previous.isNull()) {
            JsonNode invoice = previous.get("InvoiceNo");
            JsonNode customer = previous.get("CustomerID");
            if (!previous.isObject()
                    || invoice == null
                    || !invoice.isString()
                    || invoice.stringValue().isEmpty()) {
                throw new MalformedRecordException(prefix + "change.previous.InvoiceNo must be a non-empty string");
            }
            if (customer != null && !customer.isNull() && !customer.isString()) {
                throw new MalformedRecordException(prefix + "change.previous.CustomerID must be a string or null");
            }
            place = new RowChange.Place(
                    invoice.stringValue(), customer == null || customer.isNull() ? null : customer.stringValue());
        }
        try {
            return new RowChange(kind, version.longValue(), place);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedRecordException(prefix + "change is inconsistent: " + e.getMessage());
        }
    }

    private static IngestMetadata readIngest(String eventId, JsonNode node) throws MalformedRecordException {
        String prefix = "event " + eventId + ": ";
        if (node == null || !node.isObject()) {
            throw new MalformedRecordException(prefix + "ingest must be an object");
        }
        JsonNode key = node.get("idempotencyKey");
        JsonNode row = node.get("row");
        JsonNode receivedAt = node.get("receivedAt");
        JsonNode source = node.get("source");
        if (key == null || !key.isString()) {
            throw new MalformedRecordException(prefix + "ingest.idempotencyKey must be a string");
        }
        if (row == null || !row.isIntegralNumber() || !row.canConvertToInt() || row.intValue() < 0) {
            throw new MalformedRecordException(prefix + "ingest.row must be an integer >= 0");
        }
        if (source == null || !source.isString()) {
            throw new MalformedRecordException(prefix + "ingest.source must be a string");
        }
        JsonNode caller = node.get("caller");
        if (caller != null && !caller.isString()) {
            throw new MalformedRecordException(prefix + "ingest.caller must be a string");
        }
        if (receivedAt == null || !receivedAt.isString()) {
            throw new MalformedRecordException(prefix + "ingest.receivedAt must be an ISO-8601 instant string");
        }
        Instant at;
        try {
            Instant fast = IsoTimes.instant(receivedAt.stringValue());
            at = fast != null ? fast : Instant.parse(receivedAt.stringValue());
        } catch (DateTimeParseException e) {
            throw new MalformedRecordException(prefix + "ingest.receivedAt "
                    + TransactionValidator.quote(receivedAt.stringValue()) + " is not an ISO-8601 instant");
        }
        // Events written before the caller was recorded have none: their ids were derived without one.
        return new IngestMetadata(
                key.stringValue(),
                row.intValue(),
                at,
                source.stringValue(),
                caller == null ? EventIds.ANONYMOUS : caller.stringValue());
    }
}
