package com.ecommerce.pipeline.ingest.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void validUtf8IncludingFourByteCharactersPasses() {
        assertThat(Utf8.problem("[{\"Description\":\"ä€𝄞\"}]".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThat(Utf8.problem(new byte[0])).isNull();
    }

    @Test
    void overlongSurrogateAndStrayBytesAreRefusedAtTheirOffset() {
        byte[][] bad = {
            {'a', (byte) 0xC0, (byte) 0xAF}, // overlong '/', which Jackson reads as '/'
            {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            {'a', (byte) 0x80},
            {'a', (byte) 0xFF},
            {'a', (byte) 0xC3} // cut short
        };
        for (byte[] b : bad) {
            assertThat(Utf8.problem(b))
                    .as(java.util.HexFormat.of().formatHex(b))
                    .contains("byte 1 ");
        }
    }
}
