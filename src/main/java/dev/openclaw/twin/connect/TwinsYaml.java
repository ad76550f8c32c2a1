package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.config.TwinsConfig.TakeoverDispatch;
import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.files.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The twins.yaml side of connect and undo: reads its {@code hooks_token}, and rewrites it only if
 * the edited file loads, with the real loader, as intended (the old one kept as {@code .bak}).
 */
final class TwinsYaml {

    private final TwinsConfig config;
    private final ConfigEnvironment environment;
    private final StepLog log;

    TwinsYaml(TwinsConfig config, ConfigEnvironment environment, StepLog log) {
        this.config = config;
        this.environment = environment;
        this.log = log;
    }

    /** twins.yaml as it is now (a failure to read it stops the run). */
    String read() {
        return log.io(() -> Files.readString(config.source()), "twins.yaml");
    }

    /** The connect step: twins.yaml refers to the hooks token file. */
    void setHooksToken(HooksTokenPlan tokens, ConnectRecordFile records) {
        if (tokens.yamlValue().isEmpty()) {
            if (tokens.usesFile()) {
                log.add(
                        "twins.yaml",
                        Status.OK,
                        "coordination.takeover_dispatch.hooks_token is \"file:"
                                + tokens.file().reference() + "\"");
            }
            return;
        }
        String value = tokens.yamlValue().get();
        if (log.dryRun()) {
            log.add(
                    "twins.yaml",
                    Status.WOULD,
                    "set coordination.takeover_dispatch.hooks_token: \"" + value + "\" in "
                            + config.source().toAbsolutePath() + " (old file kept as .bak)");
            return;
        }
        String before = read();
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(before);
        String after = edit.withHooksToken(Optional.of(value));
        validateAndReplace(before, after, Optional.of(tokens.token()));
        records.note(new ConnectRecord(
                1,
                records.current().openclawConfig(),
                false,
                false,
                Map.of(),
                false,
                false,
                false,
                true,
                tokens.yamlBefore(),
                edit.replacedLine().orElse(null)));
        log.add(
                "twins.yaml",
                Status.CHANGED,
                "coordination.takeover_dispatch.hooks_token: \"" + value + "\" (old file kept as "
                        + config.source().getFileName() + ".bak)");
    }

    /** The undo step: hooks_token back to what it was before connect, if it is still connect's. */
    void restoreHooksToken(HooksTokenFile file, ConnectRecord done) {
        Optional<String> yamlValue = new TakeoverDispatchEdit(read()).current().hooksToken();
        if (yamlValue.isPresent()
                && yamlValue.get().equals("file:" + file.reference())
                && (done == null || done.twinsYamlChanged())) {
            Optional<String> restore = Optional.ofNullable(done == null ? null : done.twinsYamlBefore());
            if (log.dryRun()) {
                log.add(
                        "twins.yaml",
                        Status.WOULD,
                        restore.isPresent()
                                ? "put coordination.takeover_dispatch.hooks_token back to " + shown(restore.get())
                                : "remove coordination.takeover_dispatch.hooks_token");
            } else {
                String before = read();
                String after = done != null && done.twinsYamlLine() != null
                        ? new TakeoverDispatchEdit(before).withLineRestored(yamlValue.get(), done.twinsYamlLine())
                        : new TakeoverDispatchEdit(before).withHooksToken(restore);
                validateAndReplace(before, after, restore.isPresent() ? resolvedToken(after) : Optional.empty());
                log.add(
                        "twins.yaml",
                        Status.CHANGED,
                        done != null && done.twinsYamlLine() != null && restore.isEmpty()
                                ? "put back the line connect replaced: "
                                        + done.twinsYamlLine().strip()
                                : restore.isPresent()
                                        ? "hooks_token back to " + shown(restore.get())
                                        : "removed coordination.takeover_dispatch.hooks_token");
            }
        } else {
            log.add("twins.yaml", Status.OK, "no hooks_token of twin connect's");
        }
    }

    Optional<HooksTokenFile> tokenFileFromYaml() {
        String yaml = read();
        return new TakeoverDispatchEdit(yaml)
                .current()
                .hooksToken()
                .filter(t -> t.startsWith("file:"))
                .map(t -> t.substring("file:".length()).strip())
                .map(reference -> new HooksTokenFile(resolve(reference), reference));
    }

    /** Loads {@code after} with the real loader; replaces the file only if it loads as intended. */
    private void validateAndReplace(String before, String after, Optional<String> expectedToken) {
        Path file = config.source();
        TwinsConfig loaded;
        try {
            loaded = new ConfigLoader(environment).parse(after, file);
        } catch (ConfigException e) {
            log.fail(
                    "twins.yaml",
                    "the edited twins.yaml would not load, left unchanged: " + String.join("; ", e.lines()));
            return;
        }
        Optional<String> token = hooksTokenOf(loaded);
        if (!token.equals(expectedToken)) {
            log.fail("twins.yaml", "the edited twins.yaml does not give the expected hooks token, left unchanged");
        }
        log.io(
                () -> {
                    Set<PosixFilePermission> mode = permissions(file);
                    Path bak = file.resolveSibling(file.getFileName() + ".bak");
                    Files.writeString(bak, before);
                    if (mode != null) {
                        Files.setPosixFilePermissions(bak, mode);
                    }
                    // Kept as private as the file it replaces (0600 until then).
                    AtomicFile.OWNER_ONLY.write(file, after.getBytes(StandardCharsets.UTF_8), mode);
                    return null;
                },
                "twins.yaml");
    }

    private static Set<PosixFilePermission> permissions(Path file) {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private Optional<String> resolvedToken(String yaml) {
        try {
            TwinsConfig loaded = new ConfigLoader(environment).parse(yaml, config.source());
            return hooksTokenOf(loaded);
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    /** A twins.yaml value as it may be shown: references are, inline secrets are not. */
    static String shown(String raw) {
        return raw.startsWith("${") || raw.startsWith("file:") ? "'" + raw + "'" : "an inline secret";
    }

    Path resolve(String reference) {
        Path path = environment.expandHome(reference);
        return path.isAbsolute()
                ? path
                : config.source().toAbsolutePath().getParent().resolve(path);
    }

    /** The hooks token a loaded twins.yaml gives takeovers on the gateway's hooks, if any. */
    static Optional<String> hooksTokenOf(TwinsConfig loaded) {
        return loaded.coordination().takeoverDispatch() instanceof TakeoverDispatch.OpenClaw o
                ? o.hooksToken().map(Secret::value)
                : Optional.empty();
    }
}
