package com.ecommerce.pipeline.client.replay;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** {@code 90s}, {@code 10m}, {@code 1h}, {@code 1m30s} or bare seconds ({@code 600}). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        if (v.matches("(\\d{1,9}h)?(\\d{1,9}m)?(\\d{1,9}s)?") && !v.isEmpty()) {
            try {
                return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                // fall through
            }
        }
        throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration (use 90s, 10m, 1h or a number of seconds)");
    }
}
