package com.ecommerce.pipeline.archiver;

import com.ecommerce.pipeline.consumer.DrainProfile;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * s3-archiver's drain of a standing backlog into the real bucket, profiled ({@link DrainProfile}). Not part of the
 * default run: {@code mvn -pl s3-archiver -am verify -Dtest=none -Dit.test=DrainProfileIT -Ddrain.profile=true
 * [-Ddrain.rows=150000] -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class DrainProfileIT extends DrainProfile {

    DrainProfileIT() {
        super("s3-archiver");
    }
}
