package com.ecommerce.pipeline.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * HTTP/1.1 as bytes on a socket, one request per connection ({@code Connection: close}): a hostile request must be
 * able to carry what {@code java.net.http} refuses to send (CR, LF or NUL in a header, invalid UTF-8 in the target,
 * a header of 64 KB). The answer is read while the request is still being written, so that a server which answers
 * early and closes (a 413 half-way through an 11 MB body) is heard, not reported as a reset.
 */
final class RawHttp {

    /** What came back: the status (0 = no HTTP answer), the Content-Type, the body (de-chunked), or what failed. */
    record Answer(int status, String contentType, String body, String failure) {
        /** Tomcat's own error page: the request was refused by the container, before the application. */
        boolean isContainerPage() {
            return contentType != null
                    && contentType.toLowerCase(Locale.ROOT).startsWith("text/html")
                    && body.contains("<title>HTTP Status " + status);
        }

        boolean isProblem() {
            return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json");
        }
    }

    private static final int TIMEOUT_MS = 60_000;
    /** The readers block on their sockets: threads of their own, not the common pool (one thread on 2 cores). */
    private static final java.util.concurrent.ExecutorService READERS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "raw-http-reader");
                t.setDaemon(true);
                return t;
            });

    private RawHttp() {}

    /** Sends {@code request} (a complete HTTP/1.1 request, head and body) to localhost:{@code port}. */
    static Answer send(int port, byte[] request) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(TIMEOUT_MS);
            InputStream in = socket.getInputStream();
            CompletableFuture<byte[]> response = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return in.readAllBytes();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    READERS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server answered and closed before reading everything: what it said is still read
            }
            byte[] bytes;
            try {
                bytes = response.get(TIMEOUT_MS + 5_000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return new Answer(0, null, "", "no answer: " + e.getCause());
            } catch (TimeoutException e) {
                return new Answer(0, null, "", "no answer within " + TIMEOUT_MS + " ms");
            }
            return parse(bytes);
        } catch (IOException e) {
            return new Answer(0, null, "", "connection failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, "", "interrupted");
        }
    }

    static Answer parse(byte[] bytes) {
        int headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        if (headEnd < 0 || !all.startsWith("HTTP/1.1 ") || all.length() < 12) {
            return http09(all);
        }
        int status;
        try {
            status = Integer.parseInt(all.substring(9, 12));
        } catch (NumberFormatException e) {
            return new Answer(0, null, "", "not an HTTP status line: " + abbreviate(all));
        }
        String contentType = null;
        boolean chunked = false;
        for (String line : all.substring(0, headEnd).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-type")) {
                contentType = value;
            } else if (name.equals("transfer-encoding")
                    && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
        if (chunked) {
            body = dechunk(body);
        }
        return new Answer(status, contentType, new String(body, StandardCharsets.UTF_8), null);
    }

    /**
     * A request line without a protocol version (a raw CR LF in the target cuts it short) is an HTTP/0.9 request, and
     * Tomcat answers it the HTTP/0.9 way: the body alone, no status line. When that body is a problem document its
     * {@code status} is the answer's status.
     */
    private static Answer http09(String all) {
        try {
            JsonNode problem = ServiceProcess.JSON.readTree(all);
            int status = problem.path("status").asInt(0);
            if (status > 0 && problem.has("title")) {
                return new Answer(status, "application/problem+json (HTTP/0.9: no status line)", all, null);
            }
        } catch (RuntimeException e) {
            // not JSON: reported below
        }
        return new Answer(0, null, "", "not an HTTP answer: " + abbreviate(all));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int from = lineEnd + 2;
            int to = Math.min(chunked.length, from + size);
            out.write(chunked, from, to - from);
            at = to + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return indexOf(haystack, 0, needle);
    }

    private static int indexOf(byte[] haystack, int from, byte[] needle) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() > 240 ? one.substring(0, 240) + "..." : one;
    }
}
