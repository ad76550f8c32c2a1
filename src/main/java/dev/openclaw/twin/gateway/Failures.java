package dev.openclaw.twin.gateway;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/** Says in words why a request got no answer. */
public final class Failures {

    private Failures() {}

    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ConnectException || root instanceof HttpTimeoutException) {
                break;
            }
            root = root.getCause();
        }
        return switch (root) {
            case HttpConnectTimeoutException t -> "connection timed out";
            case HttpTimeoutException t -> "no answer in time";
            case ConnectException c -> "connection refused";
            case UnresolvedAddressException u -> "unknown host";
            default -> root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        };
    }
}
