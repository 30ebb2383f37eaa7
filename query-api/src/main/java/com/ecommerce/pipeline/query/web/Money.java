package com.ecommerce.pipeline.query.web;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money in responses: exact decimal arithmetic everywhere, rounded half-up to 2 decimals at the end. */
public final class Money {

    private Money() {}

    public static BigDecimal round(BigDecimal exact) {
        return exact == null ? null : exact.setScale(2, RoundingMode.HALF_UP);
    }
}
