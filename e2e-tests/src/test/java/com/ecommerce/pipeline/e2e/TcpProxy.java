package com.ecommerce.pipeline.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between one service and one backend (PostgreSQL, S3, DynamoDB), to make the backend unavailable
 * to that service alone: {@link #cut()} closes every open connection (as a stopped server's peer sees it: reset
 * or end of stream, whatever was in flight is lost) and closes the listening socket, so new connections are
 * refused; {@link #restore()} listens again on the same port. The backend itself keeps running with its data,
 * exactly as a database or endpoint that went away and came back.
 */
final class TcpProxy implements AutoCloseable {

    private final String name;
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private TcpProxy(String name, InetSocketAddress target) throws IOException {
        this.name = name;
        this.target = target;
        ServerSocket first = listen(0);
        this.port = first.getLocalPort();
        start(first);
    }

    /** A proxy to {@code host:port}, listening on a free local port. */
    static TcpProxy to(String name, String host, int port) {
        try {
            return new TcpProxy(name, new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " proxy", e);
        }
    }

    /** A proxy to the host and port of an http(s) endpoint. */
    static TcpProxy to(String name, URI endpoint) {
        return to(name, endpoint.getHost(), endpoint.getPort());
    }

    /** A proxy to the host and port of a {@code jdbc:postgresql://host:port/db} URL. */
    static TcpProxy toJdbc(String name, String jdbcUrl) {
        return to(name, URI.create(jdbcUrl.substring("jdbc:".length())));
    }

    int port() {
        return port;
    }

    /** {@code endpoint} with its host and port replaced by this proxy's. */
    String rewrite(URI endpoint) {
        return endpoint.getScheme() + "://localhost:" + port
                + (endpoint.getRawPath() == null ? "" : endpoint.getRawPath());
    }

    /** The JDBC URL through this proxy. */
    String rewriteJdbc(String jdbcUrl) {
        return "jdbc:" + rewrite(URI.create(jdbcUrl.substring("jdbc:".length())))
                + (jdbcUrl.contains("?") ? jdbcUrl.substring(jdbcUrl.indexOf('?')) : "");
    }

    /** Connections accepted so far (to show the service really went through the proxy). */
    long accepted() {
        return accepted.get();
    }

    boolean isCut() {
        return listener == null;
    }

    /** The backend becomes unavailable: open connections are cut, new ones refused. */
    synchronized void cut() {
        ServerSocket l = listener;
        listener = null;
        closeQuietly(l);
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** The backend is reachable again, on the same port. */
    synchronized void restore() {
        if (listener != null || closed) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                start(listen(port));
                return;
            } catch (IOException e) {
                last = e; // the port may linger for a moment after the close
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new UncheckedIOException("cannot listen on port " + port + " again for the " + name + " proxy", last);
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return s;
    }

    private void start(ServerSocket s) {
        listener = s;
        Thread acceptor = new Thread(() -> accept(s), "proxy-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed by cut()
            }
            accepted.incrementAndGet();
            Socket backend = new Socket();
            try {
                backend.connect(target, 5000);
                client.setTcpNoDelay(true);
                backend.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(backend);
                continue;
            }
            synchronized (this) {
                if (listener != s) { // cut while connecting
                    closeQuietly(client);
                    closeQuietly(backend);
                    return;
                }
                open.add(client);
                open.add(backend);
            }
            pump(client, backend);
            pump(backend, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (SocketException e) {
                        // cut, or the peer went away
                    } catch (IOException e) {
                        // the same
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "proxy-" + name + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
