package com.ecommerce.pipeline.schema.input;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The two ISO-8601 forms every event line carries ({@code kinesis.EventJson}: InvoiceDate as
 * "2010-12-01T08:26:00", receivedAt as "2026-12-02T16:19:29.123Z"), read and written without
 * DateTimeFormatter, whose generic parse, resolve and print were a quarter of a consumer's CPU. The
 * readers return null for any text not exactly in their form or not a real date-time, and the caller
 * falls back to the formatter, which parses the other forms and words the error; so both paths accept
 * and refuse the same texts. The writers give the formatters' text exactly (years 0 to 9999 here, the
 * formatter beyond).
 */
public final class IsoTimes {

    private static final int DATE_TIME_LENGTH = 19; // uuuu-MM-ddTHH:mm:ss

    private IsoTimes() {}

    /** What {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME} writes: "2010-12-01T08:26:00" (fraction if any). */
    public static String format(LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        return dateTime(year, t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond())
                .append(fraction(t.getNano(), 1))
                .toString();
    }

    /** What {@link DateTimeFormatter#ISO_INSTANT} writes: "2026-12-02T16:19:29.123Z" (fraction in 3s). */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        return dateTime(year, t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond())
                .append(fraction(instant.getNano(), 3))
                .append('Z')
                .toString();
    }

    private static StringBuilder dateTime(int year, int month, int day, int hour, int minute, int second) {
        StringBuilder sb = new StringBuilder(30);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, hour, 2).append(':');
        pad(sb, minute, 2).append(':');
        return pad(sb, second, 2);
    }

    /**
     * The fraction of a second with the fewest digits, in steps of {@code step}, that hold it exactly: ".26"
     * (step 1, as ISO_LOCAL_DATE_TIME writes it) or ".260" (step 3, as ISO_INSTANT); "" for none.
     */
    private static String fraction(int nanos, int step) {
        if (nanos == 0) {
            return "";
        }
        String nine = Integer.toString(1_000_000_000 + nanos).substring(1);
        int digits = 9;
        while (digits > step && nine.substring(digits - step, digits).chars().allMatch(c -> c == '0')) {
            digits -= step;
        }
        return "." + nine.substring(0, digits);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    /** "uuuu-MM-ddTHH:mm:ss" as {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME} reads it. */
    static LocalDateTime localDateTime(String s) {
        return s.length() == DATE_TIME_LENGTH ? dateTime(s) : null;
    }

    /** "uuuu-MM-ddTHH:mm:ss[.f…]Z" (0 to 9 fraction digits) as {@link Instant#parse} reads it. */
    public static Instant instant(String s) {
        int length = s.length();
        if (length < DATE_TIME_LENGTH + 1 || s.charAt(length - 1) != 'Z') {
            return null;
        }
        int nanos = 0;
        if (length > DATE_TIME_LENGTH + 1) {
            int digits = length - DATE_TIME_LENGTH - 2;
            if (s.charAt(DATE_TIME_LENGTH) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            for (int i = 0; i < 9; i++) {
                int d = i < digits ? digit(s, DATE_TIME_LENGTH + 1 + i) : 0;
                if (d < 0) {
                    return null;
                }
                nanos = nanos * 10 + d;
            }
        }
        LocalDateTime local = dateTime(s);
        return local == null ? null : Instant.ofEpochSecond(local.toEpochSecond(ZoneOffset.UTC), nanos);
    }

    /** The first 19 characters as a local date-time, or null. */
    private static LocalDateTime dateTime(String s) {
        if (s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second);
        } catch (DateTimeException e) {
            return null; // e.g. 2011-02-30 or 24:00: the formatter decides and words it
        }
    }

    private static int number(String s, int from, int digits) {
        int value = 0;
        for (int i = from; i < from + digits; i++) {
            int d = digit(s, i);
            if (d < 0) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int digit(String s, int i) {
        char c = s.charAt(i);
        return c >= '0' && c <= '9' ? c - '0' : -1;
    }
}
