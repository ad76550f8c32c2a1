package dev.openclaw.twin.rescue;

import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.state.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * An OpenSSH {@code known_hosts} file, read strictly: a host is trusted only when one of its
 * entries (plain or hashed, {@code [host]:port} for other ports) holds exactly the offered key.
 * Nothing is ever added without {@link #trust} (which {@code twin trust} calls after asking).
 */
public final class KnownHosts {

    /** What the file says about a host's offered key. */
    public sealed interface Verdict {
        /** An entry for the host lists this key. */
        record Trusted(int line) implements Verdict {}

        /** No entry for the host at all. */
        record Unknown() implements Verdict {}

        /** The host has entries, none with this key: the key changed, or someone is in between. */
        record Changed(List<Integer> lines, List<String> knownFingerprints) implements Verdict {}

        /** The key is marked {@code @revoked}. */
        record Revoked(int line) implements Verdict {}
    }

    private final Path file;

    public KnownHosts(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Checks {@code offered} for {@code host}:{@code port}; a missing file knows no host. */
    public Verdict check(String host, int port, PublicKey offered) throws IOException {
        List<Integer> otherLines = new ArrayList<>();
        List<String> otherFingerprints = new ArrayList<>();
        Integer trusted = null;
        List<String> lines = lines();
        for (int i = 0; i < lines.size(); i++) {
            KnownHostEntry entry = parse(lines.get(i));
            if (entry == null || !entry.isHostMatch(host, port)) {
                continue;
            }
            String marker = entry.getMarker() == null ? "" : entry.getMarker().replace("@", "");
            if (marker.equals("cert-authority")) {
                continue; // host certificates are not used between twins
            }
            PublicKey known = keyOf(entry);
            if (known == null) {
                continue;
            }
            boolean same = KeyUtils.compareKeys(known, offered);
            if (marker.equals("revoked")) {
                if (same) {
                    return new Verdict.Revoked(i + 1);
                }
                continue;
            }
            if (same) {
                trusted = trusted == null ? i + 1 : trusted;
            } else {
                otherLines.add(i + 1);
                otherFingerprints.add(KeyUtils.getFingerPrint(known));
            }
        }
        if (trusted != null) {
            return new Verdict.Trusted(trusted);
        }
        return otherLines.isEmpty() ? new Verdict.Unknown() : new Verdict.Changed(otherLines, otherFingerprints);
    }

    /**
     * Records {@code key} for the host, first removing the host's other entries (a changed key
     * replaces the old one). The file stays owner-only; the previous version is kept as {@code .old}.
     */
    public void trust(String host, int port, PublicKey key) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String line : lines()) {
            KnownHostEntry entry = parse(line);
            boolean revoked = entry != null
                    && entry.getMarker() != null
                    && entry.getMarker().contains("revoked");
            if (entry != null && !revoked && entry.isHostMatch(host, port)) {
                continue;
            }
            kept.add(line);
        }
        kept.add(hostPattern(host, port) + " " + PublicKeyEntry.toString(key));
        Path dir = file.toAbsolutePath().getParent();
        OwnerOnly.directories(dir);
        if (Files.exists(file)) {
            Files.copy(file, file.resolveSibling(file.getFileName() + ".old"), StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicFile.OWNER_ONLY.write(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The pattern OpenSSH writes: the bare host on port 22, else {@code [host]:port}. */
    static String hostPattern(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    private List<String> lines() throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** One entry, or null for comments, blank lines and lines that do not parse. */
    private static KnownHostEntry parse(String line) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return null;
        }
        try {
            return KnownHostEntry.parseKnownHostEntry(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static PublicKey keyOf(KnownHostEntry entry) {
        try {
            return entry.getKeyEntry() == null
                    ? null
                    : entry.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null; // a key type we cannot read cannot vouch for the host
        }
    }
}
