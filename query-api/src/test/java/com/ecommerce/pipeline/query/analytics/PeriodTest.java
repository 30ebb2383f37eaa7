package com.ecommerce.pipeline.query.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.query.web.BadParameterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeriodTest {

    @Test
    void absentMeansAllTime() {
        assertThat(Period.parse(null)).isEqualTo(new Period("all", "all"));
        assertThat(Period.parse("")).isEqualTo(new Period("all", "all"));
    }

    @Test
    void theFormatGivesTheGranularityAndTheLabelIsTheWarehousesOwn() {
        assertThat(Period.parse("2011")).isEqualTo(new Period("year", "2011"));
        assertThat(Period.parse("2011-02")).isEqualTo(new Period("month", "2011-02"));
        assertThat(Period.parse("2011-02-28")).isEqualTo(new Period("day", "2011-02-28"));
        assertThat(Period.parse("2012-02-29")).isEqualTo(new Period("day", "2012-02-29"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "11",
                "2011-2",
                "2011-13",
                "2011-00",
                "2011-02-29",
                "2011-04-31",
                "2011-1-01",
                "all",
                "2011-02-28T10"
            })
    void anythingElseIsABadPeriodParameter(String period) {
        assertThatThrownBy(() -> Period.parse(period))
                .isInstanceOf(BadParameterException.class)
                .satisfies(e -> assertThat(((BadParameterException) e).getBody().getProperties())
                        .containsEntry("parameter", "period"));
    }
}
