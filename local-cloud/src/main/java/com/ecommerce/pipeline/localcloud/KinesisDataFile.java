package com.ecommerce.pipeline.localcloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards the file kinesis-local persists its state to. kinesis-local rewrites it in place every
 * {@code PERSIST_INTERVAL}; a process that dies during a write leaves it empty or truncated, and kinesis-local then
 * refuses to start. So: after each stop a valid file is copied to {@code kinesis-data.json.last-good}, and before each
 * start an invalid file is moved aside ({@code .corrupt}) and replaced by the last good copy, if any.
 */
final class KinesisDataFile {

    static final String FILE = "kinesis-data.json";

    private static final Logger log = LoggerFactory.getLogger(KinesisDataFile.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private KinesisDataFile() {}

    /** Before kinesis-local starts on {@code dir}. */
    static void beforeStart(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file) || isValid(file)) {
            return;
        }
        Path corrupt = dir.resolve(FILE + ".corrupt");
        Files.move(file, corrupt, StandardCopyOption.REPLACE_EXISTING);
        Path lastGood = dir.resolve(FILE + ".last-good");
        if (Files.exists(lastGood) && isValid(lastGood)) {
            Files.copy(lastGood, file);
            log.warn(
                    "the Kinesis data file was damaged (an interrupted write): kept it as {}, restored the copy"
                            + " taken at the last stop",
                    corrupt);
        } else {
            log.warn(
                    "the Kinesis data file was damaged (an interrupted write) and there is no good copy: kept it as {},"
                            + " Kinesis starts empty",
                    corrupt);
        }
    }

    /** After kinesis-local stopped: remember a valid file as the last good one. */
    static void afterStop(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file) && isValid(file)) {
                Path tmp = dir.resolve(FILE + ".last-good.tmp");
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(
                        tmp,
                        dir.resolve(FILE + ".last-good"),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } else if (Files.exists(file)) {
                log.warn("kinesis-local left a damaged data file {}: the next start uses the last good copy", file);
            }
        } catch (IOException e) {
            log.warn("cannot keep a copy of {}: {}", file, e.toString());
        }
    }

    /** A complete JSON object (reads the whole file, without building it in memory). */
    static boolean isValid(Path file) {
        try (JsonParser parser = MAPPER.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }
}
