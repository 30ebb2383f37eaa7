package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the reference designs' clients and other copies of the dataset send, through the one rule every
 * path uses ({@code POST /transactions} JSON and CSV, the batch import, the replay client): numbers as JSON
 * strings read exactly, {@code 17850.0} as customer 17850, both date styles; and what must still be refused,
 * with the field named.
 */
class CompatibleInputTest {

    // The dataset's first row as Python's csv.DictReader + json.dumps writes it: every value a string.
    private static final String ALL_STRINGS = "{\"InvoiceNo\": \"536365\", \"StockCode\": \"85123A\", \"Description\":"
            + " \"WHITE HANGING HEART T-LIGHT HOLDER\", \"Quantity\": \"6\", \"InvoiceDate\": \"12/1/2010 8:26\","
            + " \"UnitPrice\": \"2.55\", \"CustomerID\": \"17850\", \"Country\": \"United Kingdom\"}";

    private static final Transaction FIRST = Fixtures.FIRST_ROW;

    private static ParseResult json(String body) {
        return TransactionJson.parseRequest(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The all-strings row with one field's JSON value replaced. */
    private static ParseResult jsonWith(String field, String jsonValue) {
        String marker = "\"" + field + "\": ";
        int start = ALL_STRINGS.indexOf(marker) + marker.length();
        int end = ALL_STRINGS.indexOf(", \"", start);
        if (end < 0) {
            end = ALL_STRINGS.length() - 1;
        }
        return json(ALL_STRINGS.substring(0, start) + jsonValue + ALL_STRINGS.substring(end));
    }

    private static Transaction accepted(ParseResult result) {
        assertThat(result.errors()).isEmpty();
        return result.transactions().get(0);
    }

    /** The dataset's first CSV row with one column replaced, through the CSV path's validator. */
    private static RowResult csvWith(int column, String value) {
        List<String> values = new java.util.ArrayList<>(List.of(
                "536365",
                "85123A",
                "WHITE HANGING HEART T-LIGHT HOLDER",
                "6",
                "12/1/2010 8:26",
                "2.55",
                "17850",
                "United Kingdom"));
        values.set(column, value);
        return TransactionValidator.validate(0, values);
    }

    @Test
    void theReferenceClientsAllStringsRowIsTheSameTransactionAsTheTypedOne() {
        assertThat(accepted(json(ALL_STRINGS))).isEqualTo(FIRST);
        assertThat(json("[" + ALL_STRINGS + ", " + ALL_STRINGS + "]").transactions())
                .containsExactly(FIRST, FIRST);
    }

    @Test
    void numbersInStringsAreReadExactlyKeepingTheirScale() {
        assertThat(accepted(jsonWith("UnitPrice", "\"0.1\"")).unitPrice()).isEqualTo(new BigDecimal("0.1"));
        assertThat(accepted(jsonWith("UnitPrice", "\"2.50\"")).unitPrice()).hasToString("2.50");
        assertThat(accepted(jsonWith("UnitPrice", "\"-11062.06\"")).unitPrice()).isEqualTo(new BigDecimal("-11062.06"));
        assertThat(accepted(jsonWith("UnitPrice", "\"0\"")).unitPrice()).isEqualTo(new BigDecimal("0"));
        assertThat(accepted(jsonWith("Quantity", "\"-6\"")).quantity()).isEqualTo(-6);
        assertThat(accepted(jsonWith("Quantity", "\"80995\"")).quantity()).isEqualTo(80995);
        assertThat(accepted(jsonWith("Quantity", "\" 6 \"")).quantity()).isEqualTo(6); // spaces, as in CSV
    }

    @Test
    void aCustomerWrittenAsAWholeDecimalIsThatCustomer() {
        assertThat(accepted(jsonWith("CustomerID", "\"17850.0\"")).customerId()).isEqualTo("17850");
        assertThat(accepted(jsonWith("CustomerID", "17850.0")).customerId()).isEqualTo("17850");
        assertThat(accepted(jsonWith("CustomerID", "\"17850.00\"")).customerId())
                .isEqualTo("17850");
        assertThat(accepted(jsonWith("CustomerID", "17850")).customerId()).isEqualTo("17850");
        assertThat(accepted(jsonWith("CustomerID", "\"\"")).customerId()).isNull();
        assertThat(((RowResult.Valid) csvWith(6, "17850.0")).transaction().customerId())
                .isEqualTo("17850");
    }

    @Test
    void bothDateStylesAndIsoAreTheSameDateTime() {
        LocalDateTime expected = LocalDateTime.of(2010, 12, 1, 8, 26);
        for (String date : List.of(
                "12/1/2010 8:26",
                "2010-12-01 08:26:00",
                "2010-12-01 08:26",
                "2010-12-01T08:26",
                "2010-12-01T08:26:00")) {
            assertThat(accepted(jsonWith("InvoiceDate", "\"" + date + "\"")).invoiceDate())
                    .as(date)
                    .isEqualTo(expected);
            assertThat(((RowResult.Valid) csvWith(4, date)).transaction().invoiceDate())
                    .as(date)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aStringThatIsNotTheNumberItClaimsToBeIsRefusedNamingTheField() {
        assertThat(jsonWith("Quantity", "\"six\"").errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity 'six' is not an integer"));
        assertThat(jsonWith("UnitPrice", "\"2.5.5\"").errors())
                .containsExactly(new FieldError(0, "UnitPrice", "UnitPrice '2.5.5' is not a number"));
        assertThat(jsonWith("UnitPrice", "\"1e400\"").errors())
                .containsExactly(new FieldError(0, "UnitPrice", "UnitPrice '1e400' is not a number"));
        assertThat(jsonWith("Quantity", "\"1e400\"").errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity '1e400' is not an integer"));
        assertThat(jsonWith("Quantity", "\"6.5\"").errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity '6.5' is not an integer"));
        assertThat(jsonWith("Quantity", "6.5").errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity must be an integer, not a number '6.5'"));
        for (String notANumber : List.of("NaN", "Infinity", "-Infinity", "0x1A", "2,55", "£2.55", "2.55 GBP", "6 6")) {
            assertThat(jsonWith("UnitPrice", "\"" + notANumber + "\"").errors())
                    .as(notANumber)
                    .extracting(FieldError::field)
                    .containsExactly("UnitPrice");
            assertThat(jsonWith("Quantity", "\"" + notANumber + "\"").errors())
                    .as(notANumber)
                    .extracting(FieldError::field)
                    .containsExactly("Quantity");
        }
        assertThat(jsonWith("Quantity", "\"99999999999\"").errors())
                .singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("Quantity 99999999999 is out of range"));
        assertThat(jsonWith("UnitPrice", "\"2.55555\"").errors())
                .containsExactly(new FieldError(0, "UnitPrice", "UnitPrice 2.55555 has more than 4 decimal places"));
        assertThat(jsonWith("UnitPrice", "\"\"").errors())
                .containsExactly(new FieldError(0, "UnitPrice", "UnitPrice is missing"));
        assertThat(jsonWith("Quantity", "true").errors())
                .containsExactly(new FieldError(0, "Quantity", "Quantity must be an integer, not a boolean 'true'"));
    }

    @Test
    void aCustomerThatIsNotAWholeNumberIsRefused() {
        String why = " is not an integer; a customer written as a number must be a whole one, like 17850 or 17850.0";
        assertThat(jsonWith("CustomerID", "\"17850.5\"").errors())
                .containsExactly(new FieldError(0, "CustomerID", "CustomerID '17850.5'" + why));
        assertThat(jsonWith("CustomerID", "\"17850.0.0\"").errors())
                .containsExactly(new FieldError(0, "CustomerID", "CustomerID '17850.0.0'" + why));
        assertThat(jsonWith("CustomerID", "\"-17850.0\"").errors())
                .extracting(FieldError::field)
                .containsExactly("CustomerID");
        assertThat(jsonWith("CustomerID", "17850.5").errors())
                .containsExactly(new FieldError(
                        0, "CustomerID", "CustomerID must be a string or an integer, not a number '17850.5'"));
        assertThat(((RowResult.Invalid) csvWith(6, "17850.5")).errors())
                .containsExactly(new FieldError(0, "CustomerID", "CustomerID '17850.5'" + why));
    }

    @Test
    void datesInNeitherStyleAreRefusedNamingTheField() {
        for (String date :
                List.of("2010-12-01 8:26", "2010-13-01 08:26", "1/12/2010 8:26:00", "2010-12-01", "12/1/10 8:26")) {
            assertThat(jsonWith("InvoiceDate", "\"" + date + "\"").errors())
                    .as(date)
                    .extracting(FieldError::field)
                    .containsExactly("InvoiceDate");
        }
    }
}
