package dev.openclaw.twin.daemon;

import java.util.Map;

/**
 * Time and connection limits for the JDK's HTTP server. It has no API for them: {@code
 * sun.net.httpserver.ServerConfig} reads these system properties once, when the first server of the
 * JVM is created, so {@link #apply()} must run before that (it does, from {@link DaemonHttpServer}'s
 * class initialiser). A value given on the command line ({@code -D}) wins.
 *
 * <p>Without them a client that opens a connection and never finishes its request holds a socket
 * (and a file descriptor) forever: 1,000 such sockets under a 1,024-descriptor limit left the daemon
 * unable to open its heartbeat file. With them, a connection still reading its request after {@link
 * #MAX_REQUEST_SECONDS} is closed, and the server closes any connection above {@link
 * #MAX_CONNECTIONS} at once, so the daemon always keeps descriptors for its own work.
 */
final class HttpServerLimits {

    /** A request (line, headers and body) must arrive within this; the plugin's take milliseconds. */
    static final int MAX_REQUEST_SECONDS = 10;
    /**
     * Accepted connections at once; beyond it the server closes new ones at once. The plugin, peers
     * and a scraper need a handful; each may buffer a 64 KB body, so this also bounds that memory.
     */
    static final int MAX_CONNECTIONS = 64;

    static final Map<String, String> PROPERTIES = Map.of(
            "sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS),
            // A response is written in milliseconds; a client that stops reading it is cut off.
            "sun.net.httpserver.maxRspTime", "30",
            // Keep-alive connections idle this long are closed (and, above, connections that never send a byte).
            "sun.net.httpserver.idleInterval", "30",
            // How often idle and never-used connections are looked at (ms; the JDK's default is 10 s).
            "sun.net.httpserver.clockTick", "1000",
            "sun.net.httpserver.maxIdleConnections", "50",
            "jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS),
            "sun.net.httpserver.maxReqHeaders", "64",
            "sun.net.httpserver.maxReqHeaderSize", Integer.toString(16 * 1024));

    private HttpServerLimits() {}

    static void apply() {
        PROPERTIES.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
