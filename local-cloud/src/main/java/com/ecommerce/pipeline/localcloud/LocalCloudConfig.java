package com.ecommerce.pipeline.localcloud;

import com.ecommerce.pipeline.localcloud.tokens.TokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ports and storage of a {@link LocalCloud}.
 *
 * @param kinesisTlsPort kinesis-local always opens a TLS port too, so it must be free as well (reserved, unused, with
 *     kinesalite)
 * @param s3HttpsPort S3Mock always opens an HTTPS port too, so it must be free as well
 * @param issuerPort the local token issuer (OIDC discovery, JWKS, POST /token)
 * @param dataDir where the emulators persist their data; {@code null} = ephemeral (in memory or temporary
 *     directories deleted on close)
 * @param issuerUrl the issuer URL in the tokens and discovery; {@code null} = {@code http://localhost:<issuerPort>}
 * @param clientId the {@code client_id} of the tokens the issuer mints; {@code null} = {@code pipeline-local}
 * @param kinesis which emulator plays Kinesis; {@code null} = {@link KinesisEngine#configured()} (system property
 *     {@value KinesisEngine#PROPERTY}, else {@link KinesisEngine#DEFAULT})
 */
public record LocalCloudConfig(
        int kinesisPort,
        int kinesisTlsPort,
        int dynamoPort,
        int s3Port,
        int s3HttpsPort,
        int postgresPort,
        int issuerPort,
        Path dataDir,
        URI issuerUrl,
        String clientId,
        KinesisEngine kinesis) {

    public static final int CONTRACT_KINESIS_PORT = 4568;
    public static final int CONTRACT_KINESIS_TLS_PORT = 4567;
    public static final int CONTRACT_DYNAMO_PORT = 8000;
    public static final int CONTRACT_S3_PORT = 9090;
    public static final int CONTRACT_S3_HTTPS_PORT = 9191;
    public static final int CONTRACT_POSTGRES_PORT = 15432;
    public static final int CONTRACT_ISSUER_PORT = TokenIssuer.DEFAULT_PORT;

    public LocalCloudConfig {
        Map<Integer, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : ports(
                        kinesisPort, kinesisTlsPort, dynamoPort, s3Port, s3HttpsPort, postgresPort, issuerPort)
                .entrySet()) {
            int port = e.getValue();
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(e.getKey() + " port out of range: " + port);
            }
            String other = seen.put(port, e.getKey());
            if (other != null) {
                throw new IllegalArgumentException(
                        "port " + port + " is given to both " + other + " and " + e.getKey());
            }
        }
        dataDir = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
        if (issuerUrl != null && (issuerUrl.getScheme() == null || issuerUrl.getHost() == null)) {
            throw new IllegalArgumentException("the issuer URL needs a scheme and a host: " + issuerUrl);
        }
        clientId = clientId == null || clientId.isBlank() ? TokenIssuer.DEFAULT_CLIENT_ID : clientId;
        kinesis = kinesis == null ? KinesisEngine.configured() : kinesis;
    }

    /** The ports of the outside contract (CONTRACT.md); persistent when {@code dataDir} is not null. */
    public static LocalCloudConfig contractDefaults(Path dataDir) {
        return new LocalCloudConfig(
                CONTRACT_KINESIS_PORT,
                CONTRACT_KINESIS_TLS_PORT,
                CONTRACT_DYNAMO_PORT,
                CONTRACT_S3_PORT,
                CONTRACT_S3_HTTPS_PORT,
                CONTRACT_POSTGRES_PORT,
                CONTRACT_ISSUER_PORT,
                dataDir,
                null,
                null,
                null);
    }

    /** Seven distinct ports that are free right now (chosen by the OS), ephemeral storage. */
    public static LocalCloudConfig freePorts() {
        return freePorts(null);
    }

    /** Seven distinct ports that are free right now (chosen by the OS), with the given storage. */
    public static LocalCloudConfig freePorts(Path dataDir) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] p = new int[7];
            for (int i = 0; i < p.length; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                p[i] = socket.getLocalPort();
            }
            return new LocalCloudConfig(p[0], p[1], p[2], p[3], p[4], p[5], p[6], dataDir, null, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /** The same ports with another data directory. */
    public LocalCloudConfig withDataDir(Path dir) {
        return with(dir, kinesis);
    }

    /** The same configuration with another Kinesis emulator. */
    public LocalCloudConfig withKinesis(KinesisEngine engine) {
        return with(dataDir, engine);
    }

    private LocalCloudConfig with(Path dir, KinesisEngine engine) {
        return new LocalCloudConfig(
                kinesisPort,
                kinesisTlsPort,
                dynamoPort,
                s3Port,
                s3HttpsPort,
                postgresPort,
                issuerPort,
                dir,
                issuerUrl,
                clientId,
                engine);
    }

    /** The URL the token issuer names in its tokens. */
    public URI issuer() {
        return issuerUrl != null ? issuerUrl : URI.create("http://localhost:" + issuerPort);
    }

    /** Every port this configuration opens, by a name for messages ("kinesis", "kinesis-tls", ...). */
    public Map<String, Integer> ports() {
        return ports(kinesisPort, kinesisTlsPort, dynamoPort, s3Port, s3HttpsPort, postgresPort, issuerPort);
    }

    public boolean persistent() {
        return dataDir != null;
    }

    private static Map<String, Integer> ports(
            int kinesis, int kinesisTls, int dynamo, int s3, int s3Https, int postgres, int issuer) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("kinesis", kinesis);
        ports.put("kinesis-tls", kinesisTls);
        ports.put("dynamodb", dynamo);
        ports.put("s3", s3);
        ports.put("s3-https", s3Https);
        ports.put("postgres", postgres);
        ports.put("issuer", issuer);
        return ports;
    }
}
