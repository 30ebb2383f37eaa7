package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.model.Transaction;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionValidatorTest {

    // 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
    private static final List<String> ROW = List.of(
            "536365",
            "85123A",
            "WHITE HANGING HEART T-LIGHT HOLDER",
            "6",
            "12/1/2010 8:26",
            "2.55",
            "17850",
            "United Kingdom");

    private static RowResult with(int column, String value) {
        List<String> values = new ArrayList<>(ROW);
        values.set(column, value);
        return TransactionValidator.validate(7, values);
    }

    private static List<FieldError> errors(int column, String value) {
        RowResult r = with(column, value);
        return r instanceof RowResult.Invalid i ? i.errors() : List.of();
    }

    @Test
    void realRowIsValid() {
        RowResult r = TransactionValidator.validate(7, ROW);
        assertThat(r)
                .isEqualTo(new RowResult.Valid(
                        7,
                        new Transaction(
                                "536365",
                                "85123A",
                                "WHITE HANGING HEART T-LIGHT HOLDER",
                                6,
                                LocalDateTime.of(2010, 12, 1, 8, 26),
                                new BigDecimal("2.55"),
                                "17850",
                                "United Kingdom")));
    }

    @Test
    void dirtyButWellFormedValuesPass() {
        assertThat(with(0, "C536379")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(0, "A563186")).isInstanceOf(RowResult.Valid.class);
        for (String code : List.of("POST", "DOT", "M", "m", "BANK CHARGES", "gift_0001_20", "AMAZONFEE", "DCGS0066P")) {
            assertThat(with(1, code)).as(code).isInstanceOf(RowResult.Valid.class);
        }
        assertThat(with(2, "")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(3, "-80995")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(5, "0")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(5, "-11062.06")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(6, "")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(7, "")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(2, "Dotcomgiftshop Gift Voucher £10.00")).isInstanceOf(RowResult.Valid.class);
    }

    @Test
    void missingRequiredValuesAreRejected() {
        assertThat(errors(0, "")).containsExactly(new FieldError(7, "InvoiceNo", "InvoiceNo is missing"));
        assertThat(errors(0, "   ")).containsExactly(new FieldError(7, "InvoiceNo", "InvoiceNo is missing"));
        assertThat(errors(1, "")).containsExactly(new FieldError(7, "StockCode", "StockCode is missing"));
        assertThat(errors(3, "")).containsExactly(new FieldError(7, "Quantity", "Quantity is missing"));
        assertThat(errors(4, "")).containsExactly(new FieldError(7, "InvoiceDate", "InvoiceDate is missing"));
        assertThat(errors(5, "")).containsExactly(new FieldError(7, "UnitPrice", "UnitPrice is missing"));
    }

    @Test
    void unparsableNumbersAreRejectedWithTheValue() {
        assertThat(errors(5, "1,5")).containsExactly(new FieldError(7, "UnitPrice", "UnitPrice '1,5' is not a number"));
        assertThat(errors(5, "£2.55"))
                .containsExactly(new FieldError(7, "UnitPrice", "UnitPrice '£2.55' is not a number"));
        assertThat(errors(5, "1e3")).containsExactly(new FieldError(7, "UnitPrice", "UnitPrice '1e3' is not a number"));
        assertThat(errors(3, "6.0")).containsExactly(new FieldError(7, "Quantity", "Quantity '6.0' is not an integer"));
        assertThat(errors(3, "six")).containsExactly(new FieldError(7, "Quantity", "Quantity 'six' is not an integer"));
    }

    @Test
    void numbersAreTrimmedButTextIsKeptExactly() {
        RowResult r = TransactionValidator.validate(
                0, "536365", "85123A", "  spaced  ", " 6 ", " 12/1/2010 8:26 ", " 2.55 ", "17850", " United Kingdom");
        Transaction t = ((RowResult.Valid) r).transaction();
        assertThat(t.quantity()).isEqualTo(6);
        assertThat(t.unitPrice()).isEqualTo(new BigDecimal("2.55"));
        assertThat(t.description()).isEqualTo("  spaced  ");
        assertThat(t.country()).isEqualTo(" United Kingdom");
    }

    @Test
    void quantityAndPriceBoundsAreInclusiveAtTenMillion() {
        assertThat(with(3, "10000000")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(3, "-10000000")).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(3, "10000001")).singleElement().satisfies(e -> assertThat(e.message())
                .startsWith("Quantity 10000001 is out of range"));
        assertThat(errors(3, "-99999999999999999999")).singleElement().satisfies(e -> assertThat(e.field())
                .isEqualTo("Quantity"));
        assertThat(with(5, "10000000.0000")).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(5, "-10000000.0001")).singleElement().satisfies(e -> assertThat(e.message())
                .startsWith("UnitPrice -10000000.0001 is out of range"));
    }

    @Test
    void moreThanFourDecimalPlacesAreRejected() {
        assertThat(with(5, "0.0001")).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(5, "0.00001"))
                .containsExactly(new FieldError(7, "UnitPrice", "UnitPrice 0.00001 has more than 4 decimal places"));
    }

    @Test
    void datesMustBeRealAndWithinTheYears1970To2100() {
        assertThat(errors(4, "2/30/2011 10:00")).singleElement().satisfies(e -> assertThat(e.message())
                .startsWith("InvoiceDate '2/30/2011 10:00' is not a valid date-time"));
        assertThat(errors(4, "12/1/2010 25:00")).hasSize(1);
        assertThat(errors(4, "2010-12-01T08:26:00Z")).hasSize(1);
        assertThat(errors(4, "yesterday")).hasSize(1);
        assertThat(with(4, "1/1/1970 0:00")).isInstanceOf(RowResult.Valid.class);
        assertThat(with(4, "12/31/2100 23:59")).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(4, "12/31/1969 23:59"))
                .containsExactly(new FieldError(
                        7, "InvoiceDate", "InvoiceDate '12/31/1969 23:59' is outside the years 1970 to 2100"));
        assertThat(errors(4, "2101-01-01T00:00")).hasSize(1);
        // The form other public copies of the dataset use.
        assertThat(((RowResult.Valid) with(4, "2010-12-01 08:26:00"))
                        .transaction()
                        .invoiceDate())
                .isEqualTo(LocalDateTime.of(2010, 12, 1, 8, 26));
    }

    @Test
    void datasetDatesParseExactlyAsTheFormatterDoes() {
        for (String s : List.of(
                "12/1/2010 8:26",
                "1/1/2011 0:00",
                "2/29/2012 23:59",
                "2/29/2011 10:00",
                "4/31/2011 10:00",
                "12/1/2010 8:6",
                "12/1/2010 24:00",
                "12/1/2010 8:60",
                "13/1/2010 8:26",
                "0/1/2010 8:26",
                "012/01/2010 08:26",
                "12/1/10 8:26",
                "12/1/2010 8:26:00",
                "12/1/2010  8:26",
                "12//2010 8:26",
                "12/1/2010 8:26 ",
                " 12/1/2010 8:26",
                "12/1/99999 8:26")) {
            LocalDateTime expected;
            try {
                expected = LocalDateTime.parse(s.strip(), TransactionValidator.DATASET_DATE_TIME);
            } catch (java.time.format.DateTimeParseException e) {
                expected = null;
            }
            LocalDateTime actual;
            try {
                actual = TransactionValidator.parseInvoiceDate(s);
            } catch (java.time.format.DateTimeParseException e) {
                actual = null;
            }
            assertThat(actual).as(s).isEqualTo(expected);
        }
    }

    @Test
    void absurdLengthsAreRejected() {
        assertThat(with(0, "x".repeat(20))).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(0, "x".repeat(21)))
                .containsExactly(
                        new FieldError(7, "InvoiceNo", "InvoiceNo is 21 characters long; at most 20 are allowed"));
        assertThat(with(1, "x".repeat(32))).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(1, "x".repeat(33))).extracting(FieldError::field).containsExactly("StockCode");
        assertThat(with(2, "x".repeat(500))).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(2, "x".repeat(501))).extracting(FieldError::field).containsExactly("Description");
        assertThat(with(6, "1".repeat(32))).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(6, "1".repeat(33))).extracting(FieldError::field).containsExactly("CustomerID");
        assertThat(with(7, "x".repeat(64))).isInstanceOf(RowResult.Valid.class);
        assertThat(errors(7, "x".repeat(65))).extracting(FieldError::field).containsExactly("Country");
    }

    @Test
    void controlCharactersInAnyFieldAreRejected() {
        for (int column = 0; column < 8; column++) {
            String clean = ROW.get(column);
            String dirty = clean.substring(0, 1) + "\t" + clean.substring(1);
            List<FieldError> errors = errors(column, dirty);
            assertThat(errors).as(TransactionCsv.HEADER.get(column)).hasSize(1);
            assertThat(errors.get(0).field()).isEqualTo(TransactionCsv.HEADER.get(column));
        }
        assertThat(errors(2, "WHITE\u0000HEART"))
                .containsExactly(new FieldError(
                        7, "Description", "Description contains a control character (U+0000) at position 6"));
        assertThat(errors(2, "WHITE HEART\n")).hasSize(1);
        assertThat(errors(2, "WHITE \u0085HEART")).hasSize(1); // C1 control (NEL)
    }

    @Test
    void replacementCharacterAndUnpairedSurrogatesAreRejected() {
        assertThat(errors(2, "Dotcomgiftshop Gift Voucher \uFFFD10.00"))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("U+FFFD"));
        assertThat(errors(2, "broken \uD83D text")).singleElement().satisfies(e -> assertThat(e.message())
                .contains("unpaired surrogate"));
        assertThat(with(2, "emoji \uD83D\uDE00 ok")).isInstanceOf(RowResult.Valid.class);
    }

    @Test
    void everyProblemOfARowIsReportedTogether() {
        RowResult r = TransactionValidator.validate(3, "", "", "ok", "x", "nope", "1,5", "17850", "UK");
        assertThat(((RowResult.Invalid) r).errors())
                .extracting(FieldError::field)
                .containsExactly("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice");
        assertThat(((RowResult.Invalid) r).errors()).extracting(FieldError::row).containsOnly(3);
    }

    @Test
    void wrongColumnCountIsARowError() {
        assertThat(TransactionValidator.validate(2, ROW.subList(0, 7)))
                .isEqualTo(new RowResult.Invalid(2, List.of(new FieldError(2, null, "expected 8 columns, found 7"))));
    }

    @Test
    void cancelledMeansInvoiceNoStartsWithC() {
        assertThat(((RowResult.Valid) with(0, "C536379")).transaction().cancelled())
                .isTrue();
        assertThat(((RowResult.Valid) with(0, "536379")).transaction().cancelled())
                .isFalse();
        assertThat(((RowResult.Valid) with(0, "A563186")).transaction().cancelled())
                .isFalse();
    }
}
