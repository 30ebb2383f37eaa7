package com.ecommerce.pipeline.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One request of the hostile traffic: which service, its report category, and its bytes. {@code containerLevel}: the
 * request is not well-formed HTTP/1.1 (a control byte in a header, a character the request target may not hold, a
 * head over 8 KB) or is a TRACE, so the servlet container refuses it before any application code and its answer need
 * not be a problem document. {@code problemOptional}: the client refused JSON ({@code Accept}), so the 4xx may have no body.
 */
record HostileRequest(
        HostileRequest.Service service,
        String category,
        boolean containerLevel,
        boolean problemOptional,
        Supplier<byte[]> bytes) {

    enum Service {
        INGEST("ingest-service"),
        QUERY("query-api");

        final String label;

        Service(String label) {
            this.label = label;
        }
    }

    /** Tomcat's (Spring Boot's) default limit of the request line and headers together. */
    static final int MAX_HEAD_BYTES = 8 * 1024;

    /** A request under construction; header values and the target are bytes, so they may hold anything. */
    static final class Builder {
        private final String method;
        private final byte[] target;
        private final List<byte[][]> headers = new ArrayList<>();
        private byte[] body;
        private boolean problemOptional;

        Builder(String method, String target) {
            this(method, target.getBytes(StandardCharsets.UTF_8));
        }

        Builder(String method, byte[] target) {
            this.method = method;
            this.target = target;
        }

        Builder header(String name, String value) {
            return header(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        Builder header(String name, byte[] value) {
            if (value != null) {
                headers.add(new byte[][] {name.getBytes(StandardCharsets.ISO_8859_1), value});
            }
            return this;
        }

        Builder bearer(String token) {
            return token == null ? this : header("Authorization", "Bearer " + token);
        }

        Builder body(String contentType, byte[] body) {
            header("Content-Type", contentType);
            this.body = body;
            return this;
        }

        /** A body without a Content-Type header. */
        Builder bodyWithoutType(byte[] body) {
            this.body = body;
            return this;
        }

        Builder body(String contentType, String body) {
            return body(contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        Builder problemOptional() {
            this.problemOptional = true;
            return this;
        }

        HostileRequest build(Service service, String category) {
            byte[] head = head();
            byte[] payload = body == null ? new byte[0] : body;
            // TRACE too: Tomcat refuses it itself (allowTrace is off), before any application code
            boolean malformed =
                    head.length > MAX_HEAD_BYTES || !validTarget(target) || !validHeaders() || method.equals("TRACE");
            return new HostileRequest(service, category, malformed, problemOptional, () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + payload.length);
                out.writeBytes(head);
                out.writeBytes(payload);
                return out.toByteArray();
            });
        }

        private byte[] head() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes((method + " ").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(target);
            out.writeBytes(
                    " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (byte[][] h : headers) {
                out.writeBytes(h[0]);
                out.writeBytes(": ".getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(h[1]);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (body != null) {
                out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return out.toByteArray();
        }

        /** RFC 3986 origin-form: unreserved, sub-delims, ':', '@', '/', '?', and '%' with two hex digits. */
        static boolean validTarget(byte[] target) {
            if (target.length == 0 || target[0] != '/') {
                return false;
            }
            for (int i = 0; i < target.length; i++) {
                int c = target[i] & 0xff;
                if (c == '%') {
                    if (i + 2 >= target.length || !hex(target[i + 1]) || !hex(target[i + 2])) {
                        return false;
                    }
                    i += 2;
                } else if (!(Character.isLetterOrDigit(c) && c < 0x80) && "-._~!$&'()*+,;=:@/?".indexOf(c) < 0) {
                    return false;
                }
            }
            return true;
        }

        /** Field values of visible ASCII, space and tab only; no duplicated or conflicting framing headers. */
        private boolean validHeaders() {
            int lengths = body != null ? 1 : 0;
            boolean chunked = false;
            for (byte[][] h : headers) {
                String name = new String(h[0], StandardCharsets.ISO_8859_1);
                for (byte b : h[1]) {
                    int c = b & 0xff;
                    if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        return false;
                    }
                }
                if (name.equalsIgnoreCase("Content-Length")) {
                    lengths++;
                }
                if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = true;
                }
            }
            return lengths <= 1 && !(chunked && lengths > 0);
        }

        private static boolean hex(byte b) {
            return Character.digit(b & 0xff, 16) >= 0 && (b & 0xff) < 0x80;
        }
    }
}
