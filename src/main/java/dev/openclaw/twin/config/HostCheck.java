package dev.openclaw.twin.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What people mistype for a twin's SSH host and user: {@code mark@192.168.1.100} (the form
 * {@code --twin NAME=USER@HOST} takes) in the host name, a URL, a path, {@code host:22}, spaces.
 * Each problem says what was probably meant, for {@code twin validate} and the {@code twin init}
 * prompts alike.
 */
public final class HostCheck {

    /** A host name as DNS, mDNS ({@code tars.local}) or an IPv4 address spell it. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})");
    /** A bare IPv6 address, optionally with a zone ({@code fe80::1%en0}). */
    private static final Pattern IPV6 =
            Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*(?:%[A-Za-z0-9_.]+)?");

    private static final Pattern HOST_PORT = Pattern.compile("([^:]+):([0-9]{1,5})");
    private static final Pattern USER_AT_HOST = Pattern.compile("([^@\\s/:]+)@([^@\\s]+)");

    /** {@code user@host} as typed, split. */
    public record UserAtHost(String user, String host) {}

    private HostCheck() {}

    /** {@code text} split at its {@code @} when it is {@code user@host} with a usable host, else empty. */
    public static Optional<UserAtHost> userAtHost(String text) {
        Matcher m = USER_AT_HOST.matcher(text.strip());
        if (m.matches() && hostnameProblem(m.group(2)).isEmpty()) {
            return Optional.of(new UserAtHost(m.group(1), m.group(2)));
        }
        return Optional.empty();
    }

    /** Why {@code text} is not a usable host name or IP address, with what was probably meant. */
    public static Optional<String> hostnameProblem(String text) {
        String quoted = "'" + text + "'";
        if (text.isBlank()) {
            return Optional.of("is empty (write a host name or IP address, e.g. 192.168.1.100)");
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of(
                    quoted + " contains a space (a host name or IP address is one word, e.g." + " 192.168.1.100)");
        }
        if (text.contains("://")) {
            return Optional.of(quoted + " is a URL: " + urlHint(text));
        }
        if (text.startsWith("-")) {
            return Optional.of(quoted + " starts with '-' (ssh would take it for an option)");
        }
        Optional<UserAtHost> split = userAtHost(text);
        if (split.isPresent()) {
            return Optional.of(quoted + " looks like USER@HOST: set username: "
                    + split.get().user() + " and hostname: " + split.get().host());
        }
        if (text.contains("@")) {
            return Optional.of(quoted + " contains '@' (write the host alone; the user goes in username)");
        }
        if (text.contains("/") || text.contains("\\")) {
            return Optional.of(quoted + " is a path, not a host name (write the host alone, e.g. 192.168.1.100;"
                    + " the workspace goes in openclaw_path)");
        }
        Matcher port = HOST_PORT.matcher(text);
        if (port.matches()) {
            return Optional.of(quoted + " looks like HOST:PORT: set hostname: " + port.group(1) + " and ssh.port: "
                    + port.group(2));
        }
        if (IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        if (text.startsWith("[")) {
            return Optional.of(
                    quoted + " is bracketed: write an IPv6 address without brackets (a port goes in" + " ssh.port)");
        }
        if (!HOST_NAME.matcher(text).matches()) {
            return Optional.of(
                    quoted + " is not a host name or IP address (letters, digits, '.', '-' and '_'," + " at most 253)");
        }
        return Optional.empty();
    }

    /** Why {@code text} is not a usable SSH user name, with what was probably meant. */
    public static Optional<String> usernameProblem(String text) {
        String quoted = "'" + text + "'";
        if (text.isBlank()) {
            return Optional.of("is empty (write the SSH user on that host)");
        }
        Optional<UserAtHost> split = userAtHost(text);
        if (split.isPresent()) {
            return Optional.of(quoted + " looks like USER@HOST: set username: "
                    + split.get().user() + " and hostname: " + split.get().host());
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of(quoted + " contains a space (an SSH user name is one word)");
        }
        if (text.contains("://")) {
            return Optional.of(quoted + " is a URL: " + urlHint(text));
        }
        if (text.startsWith("-")) {
            return Optional.of(quoted + " starts with '-' (ssh would take it for an option)");
        }
        if (text.contains("@") || text.contains(":") || text.contains("/")) {
            return Optional.of(quoted + " is not a user name (no '@', ':' or '/'; the host goes in hostname)");
        }
        return Optional.empty();
    }

    /** For {@code ssh://mark@host:2222/x}: "set hostname: host, username: mark and ssh.port: 2222". */
    private static String urlHint(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getHost() != null) {
                StringBuilder hint = new StringBuilder("set hostname: " + uri.getHost());
                if (uri.getUserInfo() != null) {
                    hint.append(", username: ").append(uri.getUserInfo().replaceAll(":.*", ""));
                }
                if (uri.getPort() > 0) {
                    hint.append(", ssh.port: ").append(uri.getPort());
                }
                return hint.append(" (a host name, not a URL)").toString();
            }
        } catch (URISyntaxException e) {
            // Fall through to the general advice.
        }
        return "write the host name or IP address alone, without a scheme";
    }
}
