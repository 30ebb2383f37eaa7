package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static final List<TransactionEvent> EVENTS =
            Fixtures.events("codec", Fixtures.sampleTransactions().subList(0, 200));

    @Test
    void roundTripKeepsEveryEventInOrder() throws Exception {
        byte[] data = RecordCodec.encode(EVENTS);
        assertThat(RecordCodec.decode(data)).isEqualTo(EVENTS);
        assertThat(RecordCodec.decode(RecordCodec.encode(EVENTS.subList(0, 1)))).isEqualTo(EVENTS.subList(0, 1));
    }

    @Test
    void layoutIsMagicVersionCompressionThenGzippedJsonLines() throws IOException {
        byte[] data = RecordCodec.encode(EVENTS.subList(0, 3));
        assertThat(new String(data, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("EVTS");
        assertThat(data[4]).isEqualTo((byte) 1);
        assertThat(data[5]).isEqualTo((byte) 1);
        assertThat(data[6] & 0xff).isEqualTo(0x1f); // gzip magic
        assertThat(data[7] & 0xff).isEqualTo(0x8b);
        String text = gunzip(Arrays.copyOfRange(data, 6, data.length));
        assertThat(text.split("\n", -1)).hasSize(4).endsWith("");
        assertThat(text).startsWith(new String(EventJson.write(EVENTS.get(0)), StandardCharsets.UTF_8) + "\n");
    }

    @Test
    void sampleRowsCompressWell() {
        byte[] data = RecordCodec.encode(EVENTS);
        int json = EVENTS.stream().mapToInt(e -> EventJson.write(e).length + 1).sum();
        assertThat(data.length).isLessThan(json / 4);
    }

    @Test
    void uncompressedRecordsAreReadableToo() throws Exception {
        byte[] lines = (new String(EventJson.write(EVENTS.get(0)), StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(RecordCodec.decode(record(1, 0, lines))).containsExactly(EVENTS.get(0));
    }

    @Test
    void wrongMagicIsRejected() {
        assertThatThrownBy(() -> RecordCodec.decode(EventJson.write(EVENTS.get(0))))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("not a transaction-event record")
                .hasMessageContaining("bare JSON");
        assertThatThrownBy(() -> RecordCodec.decode(new byte[] {1, 2}))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("shorter than the 6-byte header");
        assertThatThrownBy(() -> RecordCodec.decode(null)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] data = RecordCodec.encode(EVENTS.subList(0, 1));
        data[4] = 3;
        assertThatThrownBy(() -> RecordCodec.decode(data))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("unsupported record format version 3");
    }

    @Test
    void unknownCompressionIsRejected() {
        byte[] data = RecordCodec.encode(EVENTS.subList(0, 1));
        data[5] = 9;
        assertThatThrownBy(() -> RecordCodec.decode(data))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("unknown compression id 9");
    }

    @Test
    void corruptGzipIsRejected() {
        byte[] data = RecordCodec.encode(EVENTS);
        byte[] truncated = Arrays.copyOf(data, data.length / 2);
        assertThatThrownBy(() -> RecordCodec.decode(truncated))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("gzip payload is truncated");
        byte[] notGzip = record(1, 1, "hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> RecordCodec.decode(notGzip))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("gzip payload is corrupt");
        byte[] flipped = data.clone();
        flipped[flipped.length - 6] ^= 0x55; // inside the CRC32 of the trailer
        assertThatThrownBy(() -> RecordCodec.decode(flipped))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("gzip payload is corrupt");
    }

    @Test
    void badJsonLineIsRejectedNamingTheLine() throws IOException {
        String good = new String(EventJson.write(EVENTS.get(0)), StandardCharsets.UTF_8);
        String bad = good.replace("\"Quantity\":6", "\"Quantity\":\"six\"");
        assertThatThrownBy(() -> RecordCodec.decode(gzRecord(good + "\n" + bad + "\n" + good + "\n")))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageStartingWith("line 2 of 3: event " + EVENTS.get(0).eventId())
                .hasMessageContaining("Quantity 'six' is not an integer");
        assertThatThrownBy(() -> RecordCodec.decode(gzRecord(good + "\n{oops\n")))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageStartingWith("line 2 of 2: event is not valid JSON");
        assertThatThrownBy(() -> RecordCodec.decode(gzRecord(good + "\n\n" + good + "\n")))
                .hasMessage("line 2 of 3 is empty");
        assertThatThrownBy(() -> RecordCodec.decode(gzRecord(""))).hasMessage("record holds no events");
    }

    @Test
    void encodingNothingIsRefused() {
        assertThatThrownBy(() -> RecordCodec.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] record(int version, int compression, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("EVTS".getBytes(StandardCharsets.US_ASCII));
        out.write(version);
        out.write(compression);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] gzRecord(String lines) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(lines.getBytes(StandardCharsets.UTF_8));
        }
        return record(1, 1, gz.toByteArray());
    }

    static String gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
