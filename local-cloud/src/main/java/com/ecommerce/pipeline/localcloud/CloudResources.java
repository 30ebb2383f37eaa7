package com.ecommerce.pipeline.localcloud;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cloud resources of the pipeline, as defined once in {@code cloud-resources.json} (classpath root of this
 * module; also read by the LocalStack init scripts). Unknown fields are rejected, so a typo in the file fails loudly.
 */
@JsonIgnoreProperties({"description"})
public record CloudResources(String region, Kinesis kinesis, DynamoDb dynamodb, S3 s3, Postgres postgres) {

    /** Classpath location of the definition. */
    public static final String RESOURCE = "/cloud-resources.json";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public CloudResources {
        requireText(region, "region");
        Objects.requireNonNull(kinesis, "kinesis");
        Objects.requireNonNull(dynamodb, "dynamodb");
        Objects.requireNonNull(s3, "s3");
        Objects.requireNonNull(postgres, "postgres");
    }

    /** Loads {@value #RESOURCE} from the classpath. */
    public static CloudResources load() {
        try (InputStream in = CloudResources.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return load(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a definition from a file (same format). */
    public static CloudResources load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CloudResources load(InputStream in, String source) {
        try {
            return MAPPER.readValue(in, CloudResources.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("invalid cloud resource definition " + source + ": " + e.getMessage(), e);
        }
    }

    /** The stream with that name; {@link IllegalArgumentException} if it is not defined. */
    public Stream stream(String name) {
        return kinesis.streams().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stream " + name + " in " + RESOURCE));
    }

    /** The table with that name; {@link IllegalArgumentException} if it is not defined. */
    public Table table(String name) {
        return dynamodb.tables().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + name + " in " + RESOURCE));
    }

    /** The bucket with that name; {@link IllegalArgumentException} if it is not defined. */
    public Bucket bucket(String name) {
        return s3.buckets().stream()
                .filter(b -> b.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no bucket " + name + " in " + RESOURCE));
    }

    public record Kinesis(List<Stream> streams) {
        public Kinesis {
            streams = List.copyOf(streams);
        }
    }

    /**
     * A Kinesis data stream in provisioned mode.
     *
     * @param retentionHours how long records stay readable: Kinesis's own default, 24, when absent; up to 8,760. A
     *     consumer stopped longer than this loses the records it had not read, so the suite keeps them a week.
     */
    public record Stream(String name, int shardCount, Integer retentionHours) {
        /** Kinesis's default retention. */
        public static final int DEFAULT_RETENTION_HOURS = 24;

        public Stream {
            requireText(name, "stream name");
            if (shardCount < 1) {
                throw new IllegalArgumentException("stream " + name + ": shardCount must be >= 1");
            }
            retentionHours = retentionHours == null ? DEFAULT_RETENTION_HOURS : retentionHours;
            if (retentionHours < DEFAULT_RETENTION_HOURS || retentionHours > 8_760) {
                throw new IllegalArgumentException(
                        "stream " + name + ": retentionHours must be between 24 and 8760, not " + retentionHours);
            }
        }
    }

    public record DynamoDb(List<Table> tables) {
        public DynamoDb {
            tables = List.copyOf(tables);
        }
    }

    /**
     * A DynamoDB table; {@code sortKey} may be null (partition key only).
     *
     * @param ttlAttribute the attribute (epoch seconds) DynamoDB's time to live expires items by, or null for none;
     *     enabled where the platform serves {@code UpdateTimeToLive} (not on dynalite: items stay there)
     */
    public record Table(String name, Key partitionKey, Key sortKey, String billingMode, String ttlAttribute) {
        public Table {
            requireText(name, "table name");
            Objects.requireNonNull(partitionKey, "table " + name + ": partitionKey");
            if (billingMode == null) {
                billingMode = "PAY_PER_REQUEST";
            }
            if (!billingMode.equals("PAY_PER_REQUEST")) {
                throw new IllegalArgumentException(
                        "table " + name + ": only billingMode PAY_PER_REQUEST is supported, got " + billingMode);
            }
            if (ttlAttribute != null && ttlAttribute.isBlank()) {
                throw new IllegalArgumentException("table " + name + ": ttlAttribute is blank");
            }
        }

        /** A table without time to live. */
        public Table(String name, Key partitionKey, Key sortKey, String billingMode) {
            this(name, partitionKey, sortKey, billingMode, null);
        }
    }

    /** A key attribute: name and DynamoDB scalar type {@code S}, {@code N} or {@code B}. */
    public record Key(String name, String type) {
        private static final Set<String> TYPES = Set.of("S", "N", "B");

        public Key {
            requireText(name, "key name");
            if (!TYPES.contains(type)) {
                throw new IllegalArgumentException("key " + name + ": type must be S, N or B, got " + type);
            }
        }
    }

    public record S3(List<Bucket> buckets) {
        public S3 {
            buckets = List.copyOf(buckets);
        }
    }

    /**
     * A bucket and the key prefixes the pipeline writes under. Prefixes are documentation shared by all writers and
     * readers: S3 has no folders, so provisioning creates no objects for them.
     */
    public record Bucket(String name, List<String> prefixes) {
        public Bucket {
            requireText(name, "bucket name");
            prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
        }
    }

    /** The warehouse database and the role that owns it. */
    public record Postgres(String database, String user, String password) {
        public Postgres {
            requireText(database, "postgres database");
            requireText(user, "postgres user");
            Objects.requireNonNull(password, "postgres password");
        }
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }
}
