package com.ecommerce.pipeline.schema.input;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of a transaction: the ingest request body (dataset column names as field names). The event
 * line on Kinesis ({@code kinesis.EventJson}) carries the same eight fields through {@link #readFields} and
 * {@link #writeFields}.
 */
public final class TransactionJson {

    // Immutable in Jackson 3, so one shared instance serves every thread.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            // Money must never pass through a double.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Keep "2.50" as written; stripping would also turn 100 into 1E+2.
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            // {"Quantity":1,"Quantity":2} and "[...] junk" are mistakes, not something to guess about.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TransactionJson() {}

    /**
     * The configured mapper: BigDecimal for every JSON float (exact, scale kept), java.time values as
     * ISO-8601 strings, duplicate keys and trailing content rejected.
     */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses an ingest request: one JSON object or an array of them, field names the dataset's column
     * names. Collects the errors of all rows (up to {@link ParseResult#MAX_ERRORS}).
     */
    public static ParseResult parseRequest(byte[] body) {
        if (body == null || body.length == 0) {
            return ParseResult.failure("the request body is empty; expected a JSON object or an array of objects");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            return ParseResult.failure("malformed JSON: " + describe(e));
        }
        if (root == null || root.isMissingNode()) {
            return ParseResult.failure("the request body is empty; expected a JSON object or an array of objects");
        }
        if (root.isObject()) {
            return collect(List.of(readRow(0, root, true)));
        }
        if (!root.isArray()) {
            return ParseResult.failure(
                    "the request body must be a JSON object or an array of objects, not " + typeOf(root));
        }
        if (root.isEmpty()) {
            return ParseResult.failure("no transactions: the array is empty");
        }
        RowResult[] rows = new RowResult[root.size()];
        for (int i = 0; i < rows.length; i++) {
            JsonNode element = root.get(i);
            rows[i] = element.isObject()
                    ? readRow(i, element, true)
                    : new RowResult.Invalid(
                            i, List.of(new FieldError(i, null, "row must be a JSON object, not " + typeOf(element))));
        }
        return collect(List.of(rows));
    }

    private static ParseResult collect(List<RowResult> rows) {
        List<Transaction> transactions = new java.util.ArrayList<>(rows.size());
        ErrorCollector errors = new ErrorCollector();
        for (RowResult r : rows) {
            if (r instanceof RowResult.Valid v) {
                transactions.add(v.transaction());
            } else if (r instanceof RowResult.Invalid i) {
                errors.addAll(i.errors());
            }
        }
        return new ParseResult(transactions, errors.list());
    }

    /**
     * The eight dataset fields of a JSON object, validated as at ingest; other fields are ignored (an event
     * line's own fields, and those a newer writer adds).
     */
    public static RowResult readFields(JsonNode obj) {
        return readRow(0, obj, false);
    }

    /** One row object. Requests reject unknown names (a typo like "invoiceNo"); events ignore them. */
    private static RowResult readRow(int row, JsonNode obj, boolean strictNames) {
        TransactionValidator.Row r = new TransactionValidator.Row(row);
        if (strictNames) {
            for (String name : obj.propertyNames()) {
                if (!TransactionCsv.HEADER.contains(name)) {
                    r.rowError("unknown field " + TransactionValidator.quote(name) + suggestion(name)
                            + "; the fields are " + String.join(", ", TransactionCsv.HEADER));
                }
            }
        }
        text(r, obj, "InvoiceNo", false, r::invoiceNo);
        text(r, obj, "StockCode", false, r::stockCode);
        text(r, obj, "Description", false, r::description);
        // Numbers come as JSON numbers or as JSON strings holding them (what a CSV-to-JSON client sends);
        // a string is read by the CSV rule, exactly, so both forms accept and refuse the same values.
        JsonNode quantity = obj.get("Quantity");
        if (isAbsent(quantity)) {
            r.error("Quantity", "Quantity is missing");
        } else if (quantity.isIntegralNumber()) {
            r.quantity(quantity.bigIntegerValue());
        } else if (quantity.isString()) {
            r.quantity(quantity.stringValue()); // "6", as a CSV-to-JSON client sends it: the CSV rule
        } else {
            r.error("Quantity", "Quantity must be an integer, not " + describeValue(quantity));
        }
        text(r, obj, "InvoiceDate", false, r::invoiceDate);
        JsonNode price = obj.get("UnitPrice");
        if (isAbsent(price)) {
            r.error("UnitPrice", "UnitPrice is missing");
        } else if (price.isNumber()) {
            r.unitPrice(price.decimalValue());
        } else if (price.isString()) {
            r.unitPrice(price.stringValue()); // "2.55": read exactly, by the CSV rule
        } else {
            r.error("UnitPrice", "UnitPrice must be a number, not " + describeValue(price));
        }
        text(r, obj, "CustomerID", true, r::customerId);
        text(r, obj, "Country", false, r::country);
        return r.result();
    }

    /** Hands a text field's raw value (null when absent or JSON null) to {@code set}, or reports its wrong type. */
    private static void text(
            TransactionValidator.Row r, JsonNode obj, String field, boolean integralAllowed, Consumer<String> set) {
        JsonNode node = obj.get(field);
        if (isAbsent(node)) {
            set.accept(null);
        } else if (node.isString()) {
            set.accept(node.stringValue());
        } else if (integralAllowed && node.isNumber() && isSmallIntegral(node.decimalValue())) {
            // CustomerID as a number: 17850, also 17850.0 as some exports of this dataset write it.
            set.accept(node.decimalValue().toBigInteger().toString());
        } else {
            r.error(
                    field,
                    field + " must be a string" + (integralAllowed ? " or an integer" : "") + ", not "
                            + describeValue(node));
        }
    }

    private static boolean isSmallIntegral(BigDecimal value) {
        // The digit bound keeps 1E+999999999 from expanding into a billion-digit string.
        return value.signum() == 0
                || (value.stripTrailingZeros().scale() <= 0 && value.precision() - value.scale() <= 40);
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** "did you mean" for names that differ only in case or punctuation ("invoice_no"). */
    private static String suggestion(String name) {
        String squashed = name.replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
        for (String column : TransactionCsv.HEADER) {
            if (column.toLowerCase(Locale.ROOT).equals(squashed)) {
                return " (did you mean '" + column + "'? field names must match exactly)";
            }
        }
        return "";
    }

    /** "an array", "a string", ...: how a wrong JSON value is named in an error message. */
    public static String typeOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String describeValue(JsonNode node) {
        String shown = node.isContainer() ? "" : " " + TransactionValidator.quote(node.toString());
        return typeOf(node) + shown;
    }

    // Jackson appends "[Source: ...; line: 1, column: 5]", which names internal classes and features.
    private static final Pattern SOURCE_SUFFIX = Pattern.compile("\\s*\\(?\\s*\\[Source: [^\\]]*\\]\\)?");

    /** The parser's complaint and location, without class names. */
    public static String describe(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        Matcher m = SOURCE_SUFFIX.matcher(message);
        message = m.replaceAll("").trim();
        TokenStreamLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            message += " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return message;
    }

    /** A request body for {@link #parseRequest}: a JSON array of the transactions (the replay client's batches). */
    public static byte[] writeRequest(List<Transaction> transactions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(transactions.size() * 220 + 2);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartArray();
            for (Transaction t : transactions) {
                g.writeStartObject();
                writeFields(g, t);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    /**
     * Writes the eight dataset fields into the current object: InvoiceDate ISO-8601 with seconds, UnitPrice an
     * exact number, CustomerID a string or null.
     */
    public static void writeFields(JsonGenerator g, Transaction t) {
        g.writeStringProperty("InvoiceNo", t.invoiceNo());
        g.writeStringProperty("StockCode", t.stockCode());
        g.writeStringProperty("Description", t.description());
        g.writeNumberProperty("Quantity", t.quantity());
        g.writeStringProperty("InvoiceDate", IsoTimes.format(t.invoiceDate()));
        g.writeNumberProperty("UnitPrice", t.unitPrice());
        if (t.customerId() == null) {
            g.writeNullProperty("CustomerID");
        } else {
            g.writeStringProperty("CustomerID", t.customerId());
        }
        g.writeStringProperty("Country", t.country());
    }
}
