package com.ecommerce.pipeline.schema.kinesis;

import com.ecommerce.pipeline.schema.input.IsoTimes;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionValidator;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The consumers' hot path for {@link EventJson#read}: one event line read with a streaming parser
 * straight into its values, without a JSON tree (building the tree was a fifth of a consumer's CPU).
 *
 * <p>It takes only the plain shape {@link EventJson#write} writes: each known field at most once, no
 * unknown field, every value of the type the writer gives it, every value valid. On anything else it answers null
 * and the caller reads the line again through the tree, which decides and explains (duplicate keys, trailing
 * content, wrong types, invalid values) exactly as before. So a line this reader accepts is one the tree reader
 * accepts with the same event, and its duplicate-key check is a bit set of the known fields instead of Jackson's
 * generic one.
 */
final class EventLineReader {

    // Duplicates are found by Fields' bit set; Jackson's own check would hash every name again.
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final Fields EVENT = new Fields(
            "eventId",
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
            "ingest",
            "change");
    private static final Fields INGEST = new Fields("idempotencyKey", "row", "receivedAt", "source", "caller");
    private static final Fields CHANGE = new Fields("kind", "version", "previous");
    private static final Fields PLACE = new Fields("InvoiceNo", "CustomerID");

    private EventLineReader() {}

    /** The event on {@code length} bytes of {@code buffer} from {@code offset}, or null: read it through the tree. */
    static TransactionEvent read(byte[] buffer, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), buffer, offset, length)) {
            return p.nextToken() == JsonToken.START_OBJECT ? event(p) : null;
        } catch (RuntimeException e) { // JacksonException included
            return null; // the tree reader names what is wrong
        }
    }

    private static TransactionEvent event(JsonParser p) {
        // eventId and the eight fields as text, by their index in EVENT; a number as it is written ("6", "2.55")
        String[] text = new String[9];
        IngestMetadata ingest = null;
        RowChange change = RowChange.INSERT;
        int seen = 0;
        for (int field; (field = EVENT.next(p, seen)) >= 0; seen |= 1 << field) {
            JsonToken t = p.nextToken();
            if (field == 9) {
                ingest = ingest(p, t);
                if (ingest == null) {
                    return null;
                }
            } else if (field == 10) {
                change = t == JsonToken.VALUE_NULL ? RowChange.INSERT : change(p, t);
                if (change == null) {
                    return null;
                }
            } else if (t == JsonToken.VALUE_STRING
                    || (t == JsonToken.VALUE_NUMBER_INT && (field == 4 || field == 6))
                    || (t == JsonToken.VALUE_NUMBER_FLOAT && field == 6)) {
                text[field] = p.getString();
            } else if (t != JsonToken.VALUE_NULL || field == 0) {
                return null;
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            return null; // an unknown or repeated field, or trailing content: the tree reader's rules apply
        }
        String eventId = text[0];
        if (eventId == null || eventId.isEmpty() || ingest == null) {
            return null;
        }
        // The validator's rules for text: a JSON number's text (no exponent) reads to the same value as the tree
        // reader's typed number; whatever it refuses (1E+2 among them), the tree reader decides.
        RowResult row = TransactionValidator.validate(
                0, text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8]);
        return row instanceof RowResult.Valid valid
                ? new TransactionEvent(eventId, valid.transaction(), ingest, change)
                : null;
    }

    /** The ingest object as the writer writes it, else null. */
    private static IngestMetadata ingest(JsonParser p, JsonToken t) {
        if (t != JsonToken.START_OBJECT) {
            return null;
        }
        String[] text = new String[5];
        int row = -1;
        int seen = 0;
        for (int field; (field = INGEST.next(p, seen)) >= 0; seen |= 1 << field) {
            JsonToken v = p.nextToken();
            if (field == 1 && v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                row = p.getIntValue();
            } else if (field != 1 && v == JsonToken.VALUE_STRING) {
                text[field] = p.getString();
            } else {
                return null;
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT
                || text[0] == null
                || row < 0
                || text[2] == null
                || text[3] == null) {
            return null;
        }
        Instant at = IsoTimes.instant(text[2]);
        if (at == null) {
            try {
                at = Instant.parse(text[2]);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return new IngestMetadata(text[0], row, at, text[3], text[4] == null ? EventIds.ANONYMOUS : text[4]);
    }

    /** A change object as the writer writes it, else null. */
    private static RowChange change(JsonParser p, JsonToken t) {
        if (t != JsonToken.START_OBJECT) {
            return null;
        }
        RowChange.Kind kind = null;
        long version = -1;
        RowChange.Place previous = null;
        int seen = 0;
        for (int field; (field = CHANGE.next(p, seen)) >= 0; seen |= 1 << field) {
            JsonToken v = p.nextToken();
            if (field == 0 && v == JsonToken.VALUE_STRING) {
                for (RowChange.Kind k : RowChange.Kind.values()) {
                    if (k.name().equals(p.getString())) {
                        kind = k;
                    }
                }
            } else if (field == 1
                    && v == JsonToken.VALUE_NUMBER_INT
                    && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                version = p.getLongValue();
            } else if (field == 2 && v == JsonToken.START_OBJECT) {
                previous = place(p);
                if (previous == null) {
                    return null;
                }
            } else if (field != 2 || v != JsonToken.VALUE_NULL) {
                return null;
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || kind == null || version < 0) {
            return null;
        }
        return new RowChange(kind, version, previous); // inconsistent: throws, and the tree reader explains
    }

    private static RowChange.Place place(JsonParser p) {
        String invoiceNo = null;
        String customerId = null;
        int seen = 0;
        for (int field; (field = PLACE.next(p, seen)) >= 0; seen |= 1 << field) {
            JsonToken v = p.nextToken();
            if (field == 0 && v == JsonToken.VALUE_STRING) {
                invoiceNo = p.getString();
            } else if (field == 1 && v == JsonToken.VALUE_STRING) {
                customerId = p.getString();
            } else if (field != 1 || v != JsonToken.VALUE_NULL) {
                return null;
            }
        }
        return p.currentToken() != JsonToken.END_OBJECT || invoiceNo == null || invoiceNo.isEmpty()
                ? null
                : new RowChange.Place(invoiceNo, customerId);
    }

    /** The known names of one object's fields. */
    private record Fields(String... names) {

        /**
         * Moves to the next field: its index among the names, or -1 at the object's end (the parser then stands on
         * END_OBJECT) and at an unknown or repeated name (it stands on the name: the caller declines the line).
         */
        int next(JsonParser p, int seen) {
            String name = p.nextName();
            if (name == null) {
                return -1;
            }
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return (seen & (1 << i)) == 0 ? i : -1;
                }
            }
            return -1;
        }
    }
}
