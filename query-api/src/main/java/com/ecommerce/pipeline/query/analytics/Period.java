package com.ecommerce.pipeline.query.analytics;

import com.ecommerce.pipeline.query.web.BadParameterException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;

/**
 * A {@code period} parameter: {@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD} (a real date), or
 * absent for all time; its granularity and label are those of the warehouse's summary tables.
 */
record Period(String granularity, String label) {

    static final Period ALL_TIME = new Period("all", "all");

    private static final Pattern YEAR = Pattern.compile("\\d{4}");
    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final DateTimeFormatter STRICT_DAY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    static Period parse(String period) {
        if (period == null || period.isEmpty()) {
            return ALL_TIME;
        }
        try {
            if (YEAR.matcher(period).matches()) {
                Year.parse(period);
                return new Period("year", period);
            }
            if (MONTH.matcher(period).matches()) {
                YearMonth.parse(period);
                return new Period("month", period);
            }
            if (DAY.matcher(period).matches()) {
                LocalDate.parse(period, STRICT_DAY);
                return new Period("day", period);
            }
        } catch (DateTimeException e) {
            // fall through: a well-formed but impossible date
        }
        throw new BadParameterException(
                "period", "must be YYYY, YYYY-MM or YYYY-MM-DD (a real date), not '" + period + "'");
    }
}
