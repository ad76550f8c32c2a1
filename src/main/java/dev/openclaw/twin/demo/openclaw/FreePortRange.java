package dev.openclaw.twin.demo.openclaw;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for a real gateway, which uses a few beside its own. */
public final class FreePortRange {

    private FreePortRange() {}

    /** A free port at or above {@code from} whose next ten ports are free too (a gateway uses some). */
    public static int from(int from) throws IOException {
        for (int port = from; port < from + 40; port++) {
            boolean free = true;
            for (int p = port; p <= port + 10 && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    // free
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no free port range from " + from);
    }
}
