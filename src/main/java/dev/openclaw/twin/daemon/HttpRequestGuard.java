package dev.openclaw.twin.daemon;

import com.sun.net.httpserver.Headers;
import dev.openclaw.twin.config.TwinsConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps web pages out of the daemon's API. A browser lets any page send a "simple" cross-site POST
 * ({@code text/plain}, no preflight) and lets a page whose host name resolves to 127.0.0.1 (DNS
 * rebinding) talk to loopback as if it were its own origin. So:
 *
 * <ul>
 *   <li>every request's {@code Host} must name this daemon: a loopback name, the bind address, this
 *       twin's {@code daemon_url} host or host name (421 otherwise);
 *   <li>a POST must carry {@code Content-Type: application/json}, which a page cannot send without a
 *       CORS preflight the daemon never grants (415 otherwise);
 *   <li>a POST with an {@code Origin} that is not one of the daemon's own origins is refused (403).
 * </ul>
 *
 * The OpenClaw plugin (Node's fetch: JSON, no Origin), peers ({@code GET /healthz} at
 * {@code daemon_url}) and the CLI pass all three.
 */
final class HttpRequestGuard {

    /** A request refused before it reaches an endpoint. */
    record Refusal(int status, String message) {}

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private static final Pattern IPV4 =
            Pattern.compile("(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    /** Hex groups and colons (with an optional trailing dotted quad or zone), never a name. */
    private static final Pattern IPV6 =
            Pattern.compile("[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?::?[0-9.]+)?(?:%[0-9a-z]+)?");

    private final Set<String> names;
    private final Set<Integer> ports;

    /**
     * @param names host names that mean this daemon (besides loopback), lower case
     * @param ports the ports this daemon is reached on (its own, and its daemon_url's)
     */
    HttpRequestGuard(Set<String> names, Set<Integer> ports) {
        Set<String> all = new LinkedHashSet<>(LOOPBACK);
        names.forEach(n -> all.add(normalise(n)));
        this.names = Set.copyOf(all);
        this.ports = Set.copyOf(ports);
    }

    /** The names a request to {@code twin}'s daemon may use in {@code Host}, besides loopback. */
    static Set<String> namesOf(TwinsConfig config, String twin, String machineName) {
        Set<String> names = new LinkedHashSet<>();
        String bind = config.daemon().bind();
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.isBlank()) {
            names.add(bind);
        }
        TwinsConfig.Twin self = config.twin(twin);
        names.add(self.hostname());
        self.daemonUrl().map(URI::getHost).ifPresent(names::add);
        names.add(machineName);
        if (machineName.contains(".")) {
            names.add(machineName.substring(0, machineName.indexOf('.')));
        }
        return names;
    }

    /** The daemon_url port of this twin, if it has one. */
    static Optional<Integer> daemonUrlPort(TwinsConfig config, String twin) {
        return config.twin(twin).daemonUrl().map(HttpRequestGuard::portOf);
    }

    /** @param target the request target; in absolute form ({@code GET http://host/...}) its host counts as Host */
    Optional<Refusal> check(String method, URI target, Headers headers) {
        String host = headers.getFirst("Host");
        // No Host at all is an HTTP/1.0 tool, never a browser.
        if ((host != null && !answersFor(hostPart(host)))
                || (target.getHost() != null && !answersFor(normalise(target.getHost())))) {
            return Optional.of(new Refusal(
                    421, "this daemon does not answer for that host name (use localhost or its daemon_url)"));
        }
        if (!method.equals("POST")) {
            return Optional.empty();
        }
        if (!isJson(headers.getFirst("Content-Type"))) {
            return Optional.of(new Refusal(415, "send the body as Content-Type: application/json"));
        }
        List<String> origins = headers.get("Origin");
        if (origins != null && !origins.stream().allMatch(this::isOwnOrigin)) {
            return Optional.of(new Refusal(403, "cross-origin requests are refused"));
        }
        return Optional.empty();
    }

    /**
     * One of this daemon's names, or any IP address: DNS rebinding needs a name the attacker's DNS
     * answers for, and a plugin may reach its daemon by an address we cannot know (a container's
     * gateway address, a VPN's): refusing it would keep that twin silent.
     */
    private boolean answersFor(String host) {
        return names.contains(host)
                || IPV4.matcher(host).matches()
                || IPV6.matcher(host).matches();
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/json");
    }

    private boolean isOwnOrigin(String origin) {
        try {
            URI uri = new URI(origin.strip());
            return uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && names.contains(normalise(uri.getHost()))
                    && ports.contains(portOf(uri));
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed page, a file:) and anything unparsable
        }
    }

    private static int portOf(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** {@code Host} without its port: {@code [::1]:7420} is {@code ::1}, {@code localhost:7420} is {@code localhost}. */
    private static String hostPart(String host) {
        String h = host.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : normalise(h.substring(1, end));
        }
        int colon = h.lastIndexOf(':');
        return normalise(colon < 0 ? h : h.substring(0, colon));
    }

    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
