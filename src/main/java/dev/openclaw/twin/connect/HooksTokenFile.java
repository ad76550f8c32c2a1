package dev.openclaw.twin.connect;

import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.state.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The gateway's hooks token, kept owner-only (0600 in a 0700 directory) where {@code twins.yaml}
 * refers to it as {@code file:~/.config/openclaw-twin/hooks-token}: the same text on every twin,
 * each host's own token behind it.
 */
public record HooksTokenFile(Path file, String reference) {

    /** How twins.yaml names the default file, resolved on each host against its own home. */
    public static final String DEFAULT_REFERENCE = "~/.config/openclaw-twin/hooks-token";

    public static HooksTokenFile inHome(Path home) {
        return new HooksTokenFile(home.resolve(".config/openclaw-twin/hooks-token"), DEFAULT_REFERENCE);
    }

    /** 32 random bytes, base64url without padding (43 characters). */
    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The token in the file, if there is a non-empty regular file (never through a symlink). */
    public Optional<String> read() throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String token = Files.readString(file).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Writes {@code token} beside the file and renames it into place, owner-only. */
    public void write(String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        OwnerOnly.directories(dir);
        AtomicFile.OWNER_ONLY.write(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public boolean delete() throws IOException {
        return Files.deleteIfExists(file);
    }
}
