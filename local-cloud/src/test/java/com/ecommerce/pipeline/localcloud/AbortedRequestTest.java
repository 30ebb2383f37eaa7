package com.ecommerce.pipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dynalite and kinesalite throw from a request's 'error' event, so a client that goes away in the middle of a request
 * (a consumer SIGKILLed while it writes, a connection cut) killed the whole emulator, and every other service lost
 * DynamoDB or Kinesis with it (found by the full-scale fault cases: a dynamo-writer killed mid-request took dynalite
 * down). Under the Node.js wrapper such a request is dropped and the emulator goes on serving.
 */
class AbortedRequestTest {

    private static final String REGION = "us-east-1";

    @Test
    void dynaliteOutlivesAClientThatGoesAwayMidRequest(@TempDir Path dir) throws Exception {
        int port = LocalCloudConfig.freePorts().dynamoPort();
        DynaliteEmulator dynalite =
                new DynaliteEmulator(LocalCloudHome.locate().dynaliteMain(), port, dir, true, REGION);
        check(dynalite, port, "DynamoDB_20120810.ListTables", "application/x-amz-json-1.0");
    }

    @Test
    void kinesaliteOutlivesAClientThatGoesAwayMidRequest(@TempDir Path dir) throws Exception {
        int port = LocalCloudConfig.freePorts().kinesisPort();
        KinesaliteEmulator kinesalite =
                new KinesaliteEmulator(LocalCloudHome.locate().kinesaliteCli(), port, dir, true, REGION);
        check(kinesalite, port, "Kinesis_20131202.ListStreams", "application/x-amz-json-1.1");
    }

    private static void check(LevelDbNodeEmulator emulator, int port, String target, String contentType)
            throws Exception {
        emulator.start();
        try {
            emulator.awaitReady(Duration.ofSeconds(60), () -> false);
            // a request announcing 1,000 bytes of body, 9 of them sent, then the connection reset (SO_LINGER 0)
            try (Socket socket = new Socket("localhost", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType + "\r\nX-Amz-Target: "
                                + target + "\r\nContent-Length: 1000\r\n\r\n{\"Limit\":")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300);
                socket.setSoLinger(true, 0);
            }
            Thread.sleep(1500);
            assertThat(emulator.isRunning())
                    .as(emulator.name() + " still running after a client went away mid-request")
                    .isTrue();
            emulator.probe(URI.create("http://localhost:" + port)); // and still answering
        } finally {
            emulator.stop();
        }
    }
}
