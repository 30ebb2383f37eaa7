package com.ecommerce.pipeline.ingest.transactions;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 (RFC 3629) for JSON bodies, which RFC 8259 requires to be UTF-8. Jackson's own decoder is lenient: it
 * reads the overlong 0xC0 0xAF as '/', so a row could be accepted holding a character it never validly contained.
 * The JDK's decoder refuses overlong forms, surrogates and bytes that start no character.
 */
final class Utf8 {

    private Utf8() {}

    /** Null if {@code bytes} are valid UTF-8, otherwise a message naming the first bad byte's offset. */
    static String problem(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, CharBuffer.allocate(bytes.length), true);
        if (!result.isError()) {
            return null;
        }
        // the low-level decode leaves the position at the first byte of the bad sequence
        return "the body is not valid UTF-8 (byte " + in.position()
                + " starts an invalid or overlong sequence); a JSON body must be UTF-8";
    }
}
