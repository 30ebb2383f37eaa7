# syntax=docker/dockerfile:1
# One image recipe for every runnable module: docker compose builds it once per service with the build argument
# MODULE (ingest-service, s3-archiver, dynamo-writer, warehouse-loader, query-api, health-console, or local-cloud for
# the token issuer). The build stage does not depend on MODULE, so BuildKit builds the Maven reactor once for all seven
# images.

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The Maven repository is a BuildKit cache mount: dependencies are downloaded once and kept across source changes
# and pom edits. Tests run in CI (mvn verify), not here. Left out of this build: the local-cloud emulators
# (kinesis-local via npm, S3Mock and its class-data-sharing archive), which the containers do not use.
RUN --mount=type=cache,id=ecommerce-pipeline-m2,target=/root/.m2,sharing=locked \
    mvn -B -ntp -DskipTests -Dspotless.check.skip=true -Dmdep.skip=true \
        -P '!install-node-emulators,!s3mock-class-data-sharing' \
        -pl ingest-service,s3-archiver,dynamo-writer,warehouse-loader,query-api,health-console,local-cloud -am package

FROM eclipse-temurin:17.0.15_6-jre-noble
ARG MODULE
ARG VERSION=0.1.0-SNAPSHOT
# A non-root user owning its working directory. The token issuer keeps its signing key in /app/.pipeline/data: a new
# named volume mounted there takes the owner of this directory, so the user can write to it.
# curl for the compose healthchecks: recent Temurin images no longer ship it (adoptium/containers#675).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 pipeline \
    && useradd --system --uid 10001 --gid pipeline --home-dir /app --no-create-home --shell /usr/sbin/nologin pipeline \
    && install -d -o 10001 -g 10001 /app /app/.pipeline /app/.pipeline/data
WORKDIR /app
COPY --from=build --chown=10001:10001 /src/${MODULE}/target/${MODULE}-${VERSION}-exec.jar /app/app.jar
# The "aws" Spring profile (SPRING_PROFILES_ACTIVE=aws): Spring Boot reads ./config/ of the working directory.
COPY --from=build --chown=10001:10001 /src/config/application-aws.yml /app/config/application-aws.yml
USER 10001:10001
# Container-aware heap; a service that runs out of memory exits, and compose restarts it.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
