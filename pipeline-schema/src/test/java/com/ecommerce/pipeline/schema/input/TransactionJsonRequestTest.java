package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionJsonRequestTest {

    // 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
    private static final String FIRST_ROW = "{\"InvoiceNo\":\"536365\",\"StockCode\":\"85123A\","
            + "\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\",\"Quantity\":6,"
            + "\"InvoiceDate\":\"12/1/2010 8:26\",\"UnitPrice\":2.55,\"CustomerID\":\"17850\","
            + "\"Country\":\"United Kingdom\"}";

    private static final Transaction FIRST = new Transaction(
            "536365",
            "85123A",
            "WHITE HANGING HEART T-LIGHT HOLDER",
            6,
            LocalDateTime.of(2010, 12, 1, 8, 26),
            new BigDecimal("2.55"),
            "17850",
            "United Kingdom");

    private static ParseResult parse(String json) {
        return TransactionJson.parseRequest(json.getBytes(StandardCharsets.UTF_8));
    }

    /** FIRST_ROW with one field's JSON value replaced (or removed when value is null). */
    private static String firstRowWith(String field, String value) {
        String json = FIRST_ROW;
        int start = json.indexOf("\"" + field + "\":");
        int end = json.indexOf(",\"", start + field.length() + 3);
        if (end < 0) {
            end = json.length() - 1;
        }
        String replacement = value == null ? "" : "\"" + field + "\":" + value;
        String out = json.substring(0, start) + replacement + json.substring(end);
        return out.replace("{,", "{").replace(",,", ",").replace(",}", "}");
    }

    @Test
    void singleObjectIsRowZero() {
        ParseResult result = parse(FIRST_ROW);
        assertThat(result.errors()).isEmpty();
        assertThat(result.transactions()).containsExactly(FIRST);
    }

    @Test
    void arrayOfObjectsKeepsOrder() {
        String second = "{\"InvoiceNo\":\"C536379\",\"StockCode\":\"D\",\"Description\":\"Discount\",\"Quantity\":-1,"
                + "\"InvoiceDate\":\"2010-12-01T09:41:00\",\"UnitPrice\":27.5,\"CustomerID\":14527,"
                + "\"Country\":\"United Kingdom\"}";
        ParseResult result = parse("[" + FIRST_ROW + "," + second + "]");
        assertThat(result.errors()).isEmpty();
        assertThat(result.transactions()).hasSize(2);
        Transaction t = result.transactions().get(1);
        assertThat(t.invoiceNo()).isEqualTo("C536379");
        assertThat(t.cancelled()).isTrue();
        assertThat(t.quantity()).isEqualTo(-1);
        assertThat(t.invoiceDate()).isEqualTo(LocalDateTime.of(2010, 12, 1, 9, 41));
        assertThat(t.unitPrice()).isEqualTo(new BigDecimal("27.5"));
        assertThat(t.customerId()).isEqualTo("14527"); // an integral JSON number becomes its plain string
    }

    @Test
    void invoiceDateAcceptsIsoWithAndWithoutSecondsAndTheDatasetForm() {
        for (String date : List.of("\"2010-12-01T08:26\"", "\"2010-12-01T08:26:00\"", "\"12/1/2010 8:26\"")) {
            ParseResult result = parse(firstRowWith("InvoiceDate", date));
            assertThat(result.errors()).as(date).isEmpty();
            assertThat(result.transactions().get(0).invoiceDate()).isEqualTo(LocalDateTime.of(2010, 12, 1, 8, 26));
        }
    }

    @Test
    void unitPriceIsExactAndKeepsItsScale() {
        assertThat(parse(firstRowWith("UnitPrice", "2.50"))
                        .transactions()
                        .get(0)
                        .unitPrice())
                .hasToString("2.50");
        assertThat(parse(firstRowWith("UnitPrice", "18")).transactions().get(0).unitPrice())
                .hasToString("18");
        assertThat(parse(firstRowWith("UnitPrice", "0.001"))
                        .transactions()
                        .get(0)
                        .unitPrice())
                .hasToString("0.001");
        // 0.1 has no exact double; it must arrive as exactly 0.1
        assertThat(parse(firstRowWith("UnitPrice", "0.1")).transactions().get(0).unitPrice())
                .isEqualTo(new BigDecimal("0.1"));
        // An exponent in JSON is a number like any other; stored as the plain value it means.
        assertThat(parse(firstRowWith("UnitPrice", "1e2")).transactions().get(0).unitPrice())
                .hasToString("100");
    }

    @Test
    void emptyOrMissingOptionalFieldsAreAccepted() {
        Transaction t = parse("{\"InvoiceNo\":\"536414\",\"StockCode\":\"22139\",\"Quantity\":56,"
                        + "\"InvoiceDate\":\"12/1/2010 11:52\",\"UnitPrice\":0}")
                .transactions()
                .get(0);
        assertThat(t.description()).isEmpty();
        assertThat(t.customerId()).isNull();
        assertThat(t.country()).isEmpty();
        assertThat(parse(firstRowWith("CustomerID", "\"\""))
                        .transactions()
                        .get(0)
                        .customerId())
                .isNull();
        assertThat(parse(firstRowWith("CustomerID", "null"))
                        .transactions()
                        .get(0)
                        .customerId())
                .isNull();
        assertThat(parse(firstRowWith("Description", "null"))
                        .transactions()
                        .get(0)
                        .description())
                .isEmpty();
    }

    @Test
    void customerIdWrittenAsFloatByPandasStyleExportsIsItsIntegerString() {
        assertThat(parse(firstRowWith("CustomerID", "17850.0"))
                        .transactions()
                        .get(0)
                        .customerId())
                .isEqualTo("17850");
        assertThat(parse(firstRowWith("CustomerID", "17850.5")).errors())
                .containsExactly(new FieldError(
                        0, "CustomerID", "CustomerID must be a string or an integer, not a number '17850.5'"));
    }

    @Test
    void wrongTypesAreFieldErrorsNamingTheField() {
        // A string holding a number is read as the number (CompatibleInputTest); one that does not is refused.
        assertThat(parse(firstRowWith("Quantity", "\"six\"")).errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity 'six' is not an integer"));
        assertThat(parse(firstRowWith("Quantity", "6.5")).errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity must be an integer, not a number '6.5'"));
        assertThat(parse(firstRowWith("UnitPrice", "{}")).errors())
                .containsExactly(new FieldError(0, "UnitPrice", "UnitPrice must be a number, not an object"));
        assertThat(parse(firstRowWith("InvoiceNo", "536365")).errors())
                .containsExactly(new FieldError(0, "InvoiceNo", "InvoiceNo must be a string, not a number '536365'"));
        assertThat(parse(firstRowWith("InvoiceDate", "20101201")).errors())
                .containsExactly(
                        new FieldError(0, "InvoiceDate", "InvoiceDate must be a string, not a number '20101201'"));
        assertThat(parse(firstRowWith("Country", "[\"UK\"]")).errors())
                .containsExactly(new FieldError(0, "Country", "Country must be a string, not an array"));
        assertThat(parse(firstRowWith("Description", "true")).errors())
                .containsExactly(
                        new FieldError(0, "Description", "Description must be a string, not a boolean 'true'"));
    }

    @Test
    void missingRequiredFieldsAreEachReported() {
        ParseResult result = parse("{\"Description\":\"WHITE METAL LANTERN\",\"Country\":\"United Kingdom\"}");
        assertThat(result.errors())
                .extracting(FieldError::field)
                .containsExactly("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice");
        assertThat(result.errors()).extracting(FieldError::message).allSatisfy(m -> assertThat(m)
                .endsWith(" is missing"));
        assertThat(parse(firstRowWith("Quantity", "null")).errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity is missing"));
    }

    @Test
    void unknownFieldNamesAreRowErrorsWithASuggestion() {
        ParseResult result = parse(FIRST_ROW.replace("\"InvoiceNo\"", "\"invoiceNo\""));
        assertThat(result.errors()).hasSize(2);
        FieldError unknown = result.errors().get(0);
        assertThat(unknown.row()).isZero();
        assertThat(unknown.field()).isNull();
        assertThat(unknown.message()).startsWith("unknown field 'invoiceNo' (did you mean 'InvoiceNo'?");
        assertThat(result.errors().get(1)).isEqualTo(new FieldError(0, "InvoiceNo", "InvoiceNo is missing"));
        assertThat(parse(firstRowWith("Country", "\"UK\",\"Notes\":\"x\"")).errors())
                .singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("unknown field 'Notes';"));
    }

    @Test
    void malformedJsonIsOneRequestErrorWithLocationAndNoClassNames() {
        ParseResult result = parse("[" + FIRST_ROW + ",\n{\"InvoiceNo\":\"536365\" \"StockCode\":\"1\"}]");
        assertThat(result.transactions()).isEmpty();
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(-1);
            assertThat(e.field()).isNull();
            assertThat(e.message()).startsWith("malformed JSON: ").contains("line 2, column 23");
            assertThat(e.message()).doesNotContain("jackson", "Exception", "Source", "Feature", "tools.", "com.");
        });
        // Truncated input and trailing garbage are syntax errors too.
        assertThat(parse("[" + FIRST_ROW).errors().get(0).message()).startsWith("malformed JSON: ");
        assertThat(parse(FIRST_ROW + " x").errors().get(0).message()).startsWith("malformed JSON: ");
        assertThat(parse(FIRST_ROW.replace("{", "{\"Quantity\":7,"))
                        .errors()
                        .get(0)
                        .message())
                .startsWith("malformed JSON: ")
                .contains("Quantity");
    }

    @Test
    void topLevelValueThatIsNotAnObjectOrArrayIsRejected() {
        assertThat(parse("\"536365\"").errors())
                .containsExactly(new FieldError(
                        -1, null, "the request body must be a JSON object or an array of objects, not a string"));
        assertThat(parse("42").errors().get(0).message()).endsWith("not a number");
        assertThat(parse("null").errors().get(0).message()).endsWith("not null");
        assertThat(parse("").errors().get(0).message()).contains("empty");
        assertThat(parse("   ").errors().get(0).message()).contains("empty");
    }

    @Test
    void emptyArrayIsNoTransactions() {
        ParseResult result = parse("[]");
        assertThat(result.transactions()).isEmpty();
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(-1);
            assertThat(e.field()).isNull();
            assertThat(e.message()).startsWith("no transactions");
        });
        assertThat(result.valid()).isFalse();
    }

    @Test
    void arrayElementThatIsNotAnObjectIsAnErrorOnThatRow() {
        assertThat(parse("[" + FIRST_ROW + ",[1,2]," + FIRST_ROW + "]").errors())
                .containsExactly(new FieldError(1, null, "row must be a JSON object, not an array"));
    }

    @Test
    void errorsOfAllRowsAreCollectedWithTheirRowNumbers() {
        String body = "[" + FIRST_ROW + "," + firstRowWith("Quantity", "\"x\"") + "," + FIRST_ROW + ","
                + firstRowWith("UnitPrice", "2.55555").replace("\"85123A\"", "\"\"") + "]";
        ParseResult result = parse(body);
        assertThat(result.errors())
                .extracting(FieldError::row, FieldError::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "Quantity"),
                        org.assertj.core.groups.Tuple.tuple(3, "StockCode"),
                        org.assertj.core.groups.Tuple.tuple(3, "UnitPrice"));
        assertThat(result.transactions()).containsExactly(FIRST, FIRST);
    }

    @Test
    void errorListIsCappedAtOneHundredPlusASummary() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 300; i++) {
            body.append(i == 0 ? "" : ",").append("{\"Quantity\":\"x\"}"); // 5 errors per row
        }
        ParseResult result = parse(body.append("]").toString());
        assertThat(result.errors()).hasSize(ParseResult.MAX_ERRORS + 1);
        assertThat(result.errors().get(ParseResult.MAX_ERRORS).message()).startsWith("1400 more errors");
    }

    @Test
    void writtenRequestParsesBackToTheSameTransactions() {
        List<Transaction> sample = Fixtures.sampleTransactions().subList(0, 500);
        ParseResult result = TransactionJson.parseRequest(TransactionJson.writeRequest(sample));
        assertThat(result.errors()).isEmpty();
        assertThat(result.transactions()).isEqualTo(sample);
    }
}
