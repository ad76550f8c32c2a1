package dev.openclaw.twin.connect;

import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.state.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code twin connect} changed on this host, so that {@code --undo} takes back exactly that
 * and nothing a person had set before: the plugin link and entry it added, each {@code hooks} key
 * it set with the value it had before (no key means it was absent), the token file it created and
 * the twins.yaml value it replaced. Never holds the hooks token itself (connect only generates one
 * where none was set, and keeps an existing one). Kept owner-only beside the token file.
 *
 * @param hooksBefore the hooks keys connect set, each with its earlier value ({@code null}: absent)
 * @param twinsYamlBefore the hooks_token text twins.yaml had before ({@code null}: none)
 * @param twinsYamlLine the line connect replaced in twins.yaml (e.g. {@code twin init}'s commented
 *     {@code # hooks_token:} line), put back by undo; {@code null} when connect added a line
 */
public record ConnectRecord(
        int schemaVersion,
        String openclawConfig,
        boolean linked,
        boolean entryCreated,
        Map<String, JsonNode> hooksBefore,
        boolean hooksSectionCreated,
        boolean tokenGenerated,
        boolean tokenFileCreated,
        boolean twinsYamlChanged,
        String twinsYamlBefore,
        String twinsYamlLine) {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public ConnectRecord {
        hooksBefore = hooksBefore == null ? Map.of() : new LinkedHashMap<>(hooksBefore);
    }

    public static ConnectRecord empty(String openclawConfig) {
        return new ConnectRecord(1, openclawConfig, false, false, Map.of(), false, false, false, false, null, null);
    }

    /** A run that linked the plugin ({@code entryCreated}: there was no plugin entry before). */
    public ConnectRecord withLinked(boolean entryCreated) {
        return new ConnectRecord(
                1,
                openclawConfig,
                true,
                entryCreated,
                hooksBefore,
                hooksSectionCreated,
                tokenGenerated,
                tokenFileCreated,
                twinsYamlChanged,
                twinsYamlBefore,
                twinsYamlLine);
    }

    public ConnectRecord withTokenFileCreated(boolean created) {
        return new ConnectRecord(
                1,
                openclawConfig,
                linked,
                entryCreated,
                hooksBefore,
                hooksSectionCreated,
                tokenGenerated,
                created,
                twinsYamlChanged,
                twinsYamlBefore,
                twinsYamlLine);
    }

    public static Optional<ConnectRecord> read(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Files.readString(file), ConnectRecord.class));
        } catch (JacksonException e) {
            throw new IOException(file + " is not a connect record (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** This record with a later run's changes added; what was there before the first run wins. */
    public ConnectRecord merge(ConnectRecord later) {
        Map<String, JsonNode> before = new LinkedHashMap<>(later.hooksBefore);
        before.putAll(hooksBefore);
        return new ConnectRecord(
                1,
                openclawConfig,
                linked || later.linked,
                entryCreated || later.entryCreated,
                before,
                hooksSectionCreated || later.hooksSectionCreated,
                tokenGenerated || later.tokenGenerated,
                tokenFileCreated || later.tokenFileCreated,
                twinsYamlChanged || later.twinsYamlChanged,
                twinsYamlChanged ? twinsYamlBefore : later.twinsYamlBefore,
                twinsYamlChanged ? twinsYamlLine : later.twinsYamlLine);
    }

    public boolean changedAnything() {
        return linked
                || entryCreated
                || !hooksBefore.isEmpty()
                || tokenGenerated
                || tokenFileCreated
                || twinsYamlChanged;
    }

    public List<String> hooksKeys() {
        return List.copyOf(new TreeSet<>(hooksBefore.keySet()));
    }

    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        OwnerOnly.directories(dir);
        AtomicFile.OWNER_ONLY.write(file, (JSON.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
