package com.ecommerce.pipeline.schema.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimesTest {

    /** Seconds in the range; no fraction, or one of 3, 6 or 9 digits, in turn. */
    private static Instant instant(Random random, int i, long fromSecond, long toSecond) {
        int nanos =
                switch (i % 4) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(1000) * 1_000_000;
                    case 2 -> random.nextInt(1_000_000) * 1000;
                    default -> random.nextInt(1_000_000_000);
                };
        return Instant.ofEpochSecond(random.nextLong(fromSecond, toSecond), nanos);
    }

    @Test
    void readsWhatTheFormattersWriteExactlyAsTheyReadIt() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = instant(random, i, -2_000_000_000L, 200_000_000_000L);
            String text = DateTimeFormatter.ISO_INSTANT.format(instant);
            assertThat(IsoTimes.instant(text)).as(text).isEqualTo(Instant.parse(text));
            LocalDateTime local = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, java.time.ZoneOffset.UTC);
            String date = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(local);
            assertThat(IsoTimes.localDateTime(date))
                    .as(date)
                    .isEqualTo(LocalDateTime.parse(date, DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        }
    }

    @Test
    void writesWhatTheFormattersWrite() {
        Random random = new Random(43);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = instant(random, i, -70_000_000_000L, 260_000_000_000L);
            assertThat(IsoTimes.format(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
            LocalDateTime local =
                    LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), java.time.ZoneOffset.UTC);
            assertThat(IsoTimes.format(local)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(local));
        }
        for (LocalDateTime edge : new LocalDateTime[] {
            LocalDateTime.of(0, 1, 1, 0, 0), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999),
            LocalDateTime.of(10_000, 1, 1, 0, 0), LocalDateTime.of(-1, 1, 1, 0, 0, 0, 10)
        }) {
            assertThat(IsoTimes.format(edge)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(edge));
            Instant at = edge.toInstant(java.time.ZoneOffset.UTC);
            assertThat(IsoTimes.format(at)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(at));
        }
    }

    @Test
    void readsEveryFractionLengthAsInstantParseDoes() {
        String fraction = "123456789";
        for (int digits = 1; digits <= 9; digits++) {
            String text = "2011-12-09T12:50:00." + fraction.substring(0, digits) + "Z";
            assertThat(IsoTimes.instant(text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThat(IsoTimes.instant("2011-12-09T12:50:00Z")).isEqualTo(Instant.parse("2011-12-09T12:50:00Z"));
    }

    /** Texts the fast path leaves to the formatter: other forms (which it may accept) and mistakes. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "2011-12-09T12:50",
                "2011-12-09t12:50:00",
                "2011-12-09T12:50:00.5",
                "2011-12-09 12:50:00",
                "2011-02-30T12:50:00",
                "2011-13-09T12:50:00",
                "2011-12-09T24:00:00",
                "2011-12-09T23:59:60",
                "2011-12-O9T12:50:00",
                "+2011-12-09T12:50:0",
                "2011-12-09T12:50:00Z",
            })
    void leavesOtherDateTimesToTheFormatter(String text) {
        assertThat(IsoTimes.localDateTime(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2011-12-09T12:50:00",
                "2011-12-09T12:50:00.Z",
                "2011-12-09T12:50:00.1234567890Z",
                "2011-12-09T12:50:00,5Z",
                "2011-12-09T12:50:00.5z",
                "2011-12-09T12:50Z",
                "2011-02-29T12:50:00Z",
                "2011-12-09T23:59:60Z",
                "2011-12-09T12:50:00+01:00",
                "Z",
                "",
            })
    void leavesOtherInstantsToInstantParse(String text) {
        assertThat(IsoTimes.instant(text)).isNull();
    }

    @Test
    void theValidatorAndTheEventReaderStillRefuseWhatTheyRefused() {
        assertThatThrownBy(() -> TransactionValidator.parseInvoiceDate("2011-02-30T12:50:00"))
                .isInstanceOf(DateTimeParseException.class);
        assertThat(TransactionValidator.parseInvoiceDate("2011-12-09T12:50"))
                .isEqualTo(LocalDateTime.of(2011, 12, 9, 12, 50));
        assertThat(TransactionValidator.parseInvoiceDate(" 2011-12-09T12:50:07 "))
                .isEqualTo(LocalDateTime.of(2011, 12, 9, 12, 50, 7));
    }
}
