package com.ecommerce.pipeline.dynamo;

import com.ecommerce.pipeline.consumer.DrainProfile;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * dynamo-writer's drain of a standing backlog into the real tables, profiled ({@link DrainProfile}). Not part of the
 * default run: {@code mvn -pl dynamo-writer -am verify -Dtest=none -Dit.test=DrainProfileIT -Ddrain.profile=true
 * [-Ddrain.rows=150000] -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class DrainProfileIT extends DrainProfile {

    DrainProfileIT() {
        super("dynamo-writer");
    }
}
