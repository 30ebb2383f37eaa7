package com.ecommerce.pipeline.schema.input;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Field-level validation shared by the CSV and JSON paths.
 *
 * <p>It rejects only what is malformed: required fields missing or unparsable, absurd lengths, control
 * characters, out-of-range numbers and dates. Merely dirty rows, which the dataset is full of, pass
 * unchanged: cancellations and adjustments, negative quantities, zero or negative prices, empty
 * CustomerID/Description/Country, non-product stock codes, repeated rows.
 */
public final class TransactionValidator {

    public static final int MAX_INVOICE_NO_LENGTH = 20;
    public static final int MAX_STOCK_CODE_LENGTH = 32;
    public static final int MAX_DESCRIPTION_LENGTH = 500;
    public static final int MAX_CUSTOMER_ID_LENGTH = 32;
    public static final int MAX_COUNTRY_LENGTH = 64;
    public static final int MAX_ABS_QUANTITY = 10_000_000;
    public static final BigDecimal MAX_ABS_UNIT_PRICE = BigDecimal.valueOf(10_000_000);
    public static final int MAX_UNIT_PRICE_DECIMALS = 4;
    public static final int MIN_YEAR = 1970;
    public static final int MAX_YEAR = 2100;

    /** The dataset's own form, e.g. "12/1/2010 8:26"; STRICT so that 2/30/2011 is an error, not 3/2. */
    public static final DateTimeFormatter DATASET_DATE_TIME =
            DateTimeFormatter.ofPattern("M/d/uuuu H:mm").withResolverStyle(ResolverStyle.STRICT);

    // The form other public copies of the dataset use ("2010-12-01 08:26:00").
    private static final DateTimeFormatter SPACED_ISO_DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm[:ss]").withResolverStyle(ResolverStyle.STRICT);

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    // Plain decimals only: an exponent ("1e9999999") could make a tiny string expand into a huge number.
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final int MAX_NUMBER_CHARS = 40;
    // A CustomerID that looks like a decimal number (digits and a point) and the whole ones among them.
    private static final Pattern NUMBER_WITH_POINT = Pattern.compile("[+-]?(?=[0-9.]*[0-9])[0-9]*\\.[0-9.]*");
    private static final Pattern WHOLE_WITH_ZERO_FRACTION = Pattern.compile("([0-9]{1,32})\\.0*");

    private TransactionValidator() {}

    /** Validates one CSV row, values in {@link TransactionCsv#HEADER} order. */
    public static RowResult validate(int row, List<String> values) {
        if (values.size() != TransactionCsv.HEADER.size()) {
            return new RowResult.Invalid(
                    row,
                    List.of(new FieldError(
                            row,
                            null,
                            "expected " + TransactionCsv.HEADER.size() + " columns, found " + values.size())));
        }
        return validate(
                row,
                values.get(0),
                values.get(1),
                values.get(2),
                values.get(3),
                values.get(4),
                values.get(5),
                values.get(6),
                values.get(7));
    }

    /**
     * Validates one row from raw string values as they appear in the CSV (null = absent). Spaces around
     * numbers and dates are ignored; text is kept exactly.
     */
    public static RowResult validate(
            int row,
            String invoiceNo,
            String stockCode,
            String description,
            String quantity,
            String invoiceDate,
            String unitPrice,
            String customerId,
            String country) {
        Row r = new Row(row);
        r.invoiceNo(invoiceNo);
        r.stockCode(stockCode);
        r.description(description);
        r.quantity(quantity);
        r.invoiceDate(invoiceDate);
        r.unitPrice(unitPrice);
        r.customerId(customerId);
        r.country(country);
        return r.result();
    }

    /**
     * Parses an InvoiceDate: ISO-8601 local date-time ("2010-12-01T08:26", seconds optional), the
     * dataset's "M/d/yyyy H:mm", or "yyyy-MM-dd HH:mm[:ss]".
     *
     * @throws DateTimeParseException if it is none of these
     */
    public static LocalDateTime parseInvoiceDate(String text) {
        String s = trimSpaces(text);
        if (s.indexOf('/') >= 0) {
            LocalDateTime fast = parseDatasetDateFast(s);
            return fast != null ? fast : LocalDateTime.parse(s, DATASET_DATE_TIME);
        }
        if (s.indexOf('T') >= 0) {
            LocalDateTime fast = IsoTimes.localDateTime(s); // the form every event line carries
            return fast != null ? fast : LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        }
        return LocalDateTime.parse(s, SPACED_ISO_DATE_TIME);
    }

    /**
     * The dataset's "M/d/yyyy H:mm" without DateTimeFormatter, which dominates the cost of validating
     * the 541,909 rows. Null when the text is not exactly in that form or not a real date-time; the
     * caller then falls back to the formatter, which produces the error.
     */
    private static LocalDateTime parseDatasetDateFast(String s) {
        int[] parts = new int[5];
        int part = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 4) {
                    return null;
                }
                value = value * 10 + (c - '0');
                continue;
            }
            char expected = part < 2 ? '/' : part == 2 ? ' ' : ':';
            if (c != expected || digits == 0 || part == 4) {
                return null;
            }
            parts[part++] = value;
            value = 0;
            digits = 0;
        }
        if (part != 4 || digits != 2) {
            return null;
        }
        parts[4] = value;
        int month = parts[0];
        int day = parts[1];
        int year = parts[2];
        int hour = parts[3];
        int minute = parts[4];
        if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59) {
            return null;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        return LocalDateTime.of(year, month, day, hour, minute);
    }

    /**
     * Collects one row's values and errors; the JSON path feeds it typed numbers, the CSV path strings.
     * Each field is checked independently so that every problem of a row is reported at once.
     */
    static final class Row {
        private final int row;
        private final List<FieldError> errors = new ArrayList<>(0);
        private String invoiceNo;
        private String stockCode;
        private String description = "";
        private Integer quantity;
        private LocalDateTime invoiceDate;
        private BigDecimal unitPrice;
        private String customerId;
        private String country = "";

        Row(int row) {
            this.row = row;
        }

        void error(String field, String message) {
            errors.add(new FieldError(row, field, message));
        }

        void rowError(String message) {
            errors.add(new FieldError(row, null, message));
        }

        void invoiceNo(String raw) {
            invoiceNo = requiredText("InvoiceNo", raw, MAX_INVOICE_NO_LENGTH);
        }

        void stockCode(String raw) {
            stockCode = requiredText("StockCode", raw, MAX_STOCK_CODE_LENGTH);
        }

        void description(String raw) {
            description = optionalText("Description", raw, MAX_DESCRIPTION_LENGTH);
        }

        /**
         * Text, except that a value written as a decimal number must be a whole one: some exports of the
         * dataset write the customer 17850 as "17850.0" (a float column, because of the empty ones), which
         * is that customer; "17850.5" is no customer and is refused.
         */
        void customerId(String raw) {
            if (raw != null && NUMBER_WITH_POINT.matcher(raw).matches()) {
                Matcher whole = WHOLE_WITH_ZERO_FRACTION.matcher(raw);
                if (!whole.matches()) {
                    error(
                            "CustomerID",
                            "CustomerID " + quote(raw) + " is not an integer; a customer written as a number must"
                                    + " be a whole one, like 17850 or 17850.0");
                    return;
                }
                raw = whole.group(1);
            }
            customerId = optionalText("CustomerID", raw, MAX_CUSTOMER_ID_LENGTH);
        }

        void country(String raw) {
            country = optionalText("Country", raw, MAX_COUNTRY_LENGTH);
        }

        void quantity(String raw) {
            if (isBlank(raw)) {
                error("Quantity", "Quantity is missing");
                return;
            }
            String s = trimSpaces(raw);
            if (s.length() > MAX_NUMBER_CHARS || !INTEGER.matcher(s).matches()) {
                error("Quantity", "Quantity " + quote(raw) + " is not an integer");
                return;
            }
            quantity(new BigInteger(s));
        }

        void quantity(BigInteger value) {
            if (value.abs().compareTo(BigInteger.valueOf(MAX_ABS_QUANTITY)) > 0) {
                error(
                        "Quantity",
                        "Quantity " + value + " is out of range (at most " + MAX_ABS_QUANTITY + " either way)");
                return;
            }
            quantity = value.intValue();
        }

        void unitPrice(String raw) {
            if (isBlank(raw)) {
                error("UnitPrice", "UnitPrice is missing");
                return;
            }
            String s = trimSpaces(raw);
            if (s.length() > MAX_NUMBER_CHARS || !DECIMAL.matcher(s).matches()) {
                error("UnitPrice", "UnitPrice " + quote(raw) + " is not a number");
                return;
            }
            unitPrice(new BigDecimal(s));
        }

        void unitPrice(BigDecimal value) {
            // Range first: compareTo is cheap even for 1E+999999999, rescaling it would not be.
            if (value.abs().compareTo(MAX_ABS_UNIT_PRICE) > 0) {
                error(
                        "UnitPrice",
                        "UnitPrice " + value + " is out of range (at most " + MAX_ABS_UNIT_PRICE.toPlainString()
                                + " either way)");
                return;
            }
            if (value.scale() > MAX_UNIT_PRICE_DECIMALS) {
                error(
                        "UnitPrice",
                        "UnitPrice " + value.toPlainString() + " has more than " + MAX_UNIT_PRICE_DECIMALS
                                + " decimal places");
                return;
            }
            // A JSON 1E+2 arrives with a negative scale; store it as the plain 100 it means.
            unitPrice = value.scale() < 0 ? value.setScale(0) : value;
        }

        void invoiceDate(String raw) {
            if (isBlank(raw)) {
                error("InvoiceDate", "InvoiceDate is missing");
                return;
            }
            LocalDateTime parsed;
            try {
                parsed = parseInvoiceDate(raw);
            } catch (DateTimeParseException e) {
                error(
                        "InvoiceDate",
                        "InvoiceDate " + quote(raw) + " is not a valid date-time; expected the dataset's M/d/yyyy"
                                + " H:mm like 12/1/2010 8:26, yyyy-MM-dd HH:mm[:ss] like 2010-12-01 08:26:00"
                                + " or ISO-8601 like 2010-12-01T08:26");
                return;
            }
            if (parsed.getYear() < MIN_YEAR || parsed.getYear() > MAX_YEAR) {
                error(
                        "InvoiceDate",
                        "InvoiceDate " + quote(raw) + " is outside the years " + MIN_YEAR + " to " + MAX_YEAR);
                return;
            }
            invoiceDate = parsed;
        }

        private String requiredText(String field, String raw, int maxLength) {
            if (isBlank(raw)) {
                error(field, field + " is missing");
                return null;
            }
            return checkedText(field, raw, maxLength);
        }

        private String optionalText(String field, String raw, int maxLength) {
            return raw == null || raw.isEmpty() ? raw : checkedText(field, raw, maxLength);
        }

        private String checkedText(String field, String raw, int maxLength) {
            int length = raw.codePointCount(0, raw.length());
            if (length > maxLength) {
                error(field, field + " is " + length + " characters long; at most " + maxLength + " are allowed");
                return null;
            }
            String bad = badCharacter(raw);
            if (bad != null) {
                error(field, field + " " + bad);
                return null;
            }
            return raw;
        }

        RowResult result() {
            if (!errors.isEmpty()) {
                return new RowResult.Invalid(row, errors);
            }
            return new RowResult.Valid(
                    row,
                    new Transaction(
                            invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country));
        }
    }

    /** Null if the text is clean, otherwise what is wrong with it ("contains ..."). */
    static String badCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                continue; // the common case, ASCII printable
            }
            if (Character.isISOControl(c)) {
                return String.format("contains a control character (U+%04X) at position %d", (int) c, i + 1);
            }
            if (c == '\uFFFD') {
                // What a decoder leaves for bytes that are not valid in the charset, e.g. the ISO-8859-1
                // "£" (0xA3) read as UTF-8: reject rather than store a silently damaged text.
                return "contains U+FFFD (a replacement character) at position " + (i + 1)
                        + ": the text was probably decoded with the wrong charset (ISO-8859-1 read as UTF-8?)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate (U+" + String.format("%04X", (int) c) + ") at position "
                        + (i + 1);
            }
        }
        return null;
    }

    /** Only spaces: a tab or other control character left in a number is an error, not padding. */
    static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** A raw value for an error message: quoted, control characters escaped, long values cut. */
    public static String quote(String raw) {
        StringBuilder sb = new StringBuilder("'");
        int limit = Math.min(raw.length(), 60);
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (raw.length() > limit) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
