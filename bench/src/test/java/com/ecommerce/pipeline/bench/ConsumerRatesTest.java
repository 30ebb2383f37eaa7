package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsumerRatesTest {

    @Test
    void aConsumersRateIsItsCapacityWhenMeasuredItsEndToEndRateOtherwise() {
        ConsumerRates rates = new ConsumerRates();
        assertThat(rates.ours("s3-archiver")).isNaN();
        rates.endToEnd("s3-archiver", 900);
        rates.endToEnd("dynamo-writer", 300);
        rates.endToEnd("warehouse-loader", 700);
        assertThat(rates.ours("s3-archiver")).isEqualTo(900);
        assertThat(rates.oursLabel("s3-archiver")).isEqualTo("end-to-end rate");

        rates.capacity("s3-archiver", new Stats.Drain(2.0, 12.0, 10_000, 1_000));
        assertThat(rates.ours("s3-archiver")).isEqualTo(1_000);
        assertThat(rates.oursLabel("s3-archiver")).isEqualTo("capacity: drain of a standing backlog");
        assertThat(rates.endToEnd("s3-archiver")).isEqualTo(900);

        rates.capacity("dynamo-writer", new Stats.Drain(2.0, null, 4_000, 400));
        assertThat(rates.ours("dynamo-writer")).isEqualTo(400);
        assertThat(rates.oursLabel("dynamo-writer"))
                .isEqualTo("capacity: drain of a standing backlog, 4,000 rows within the time limit");

        // a drain that wrote nothing has no rate: the end-to-end one stands
        rates.capacity("warehouse-loader", new Stats.Drain(null, null, 0, Double.NaN));
        assertThat(rates.ours("warehouse-loader")).isEqualTo(700);
        assertThat(rates.oursLabel("warehouse-loader")).isEqualTo("end-to-end rate");
    }

    @Test
    void eachConsumersCeilingGoalIsItsIssues() {
        assertThat(ConsumerRates.ceilingGoal("dynamo-writer")).isEqualTo(0.7);
        assertThat(ConsumerRates.ceilingGoal("s3-archiver")).isEqualTo(0.7);
        assertThat(ConsumerRates.ceilingGoal("warehouse-loader")).isEqualTo(0.5);
    }
}
