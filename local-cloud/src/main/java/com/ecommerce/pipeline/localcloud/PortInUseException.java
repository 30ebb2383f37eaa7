package com.ecommerce.pipeline.localcloud;

/** A port the local cloud needs is already taken by another process. */
public class PortInUseException extends LocalCloudException {

    private final String component;
    private final int port;

    public PortInUseException(String component, int port) {
        super("port " + port + " (" + component + ") is already in use: stop what listens there (ss -ltnp | grep :"
                + port + ") or choose another port");
        this.component = component;
        this.port = port;
    }

    public String component() {
        return component;
    }

    public int port() {
        return port;
    }
}
