package dev.openclaw.twin.gateway;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Which {@code openclaw.json} this host's gateway uses, in one order: the twin's {@code
 * openclaw_config} when twins.yaml sets one; else OpenClaw's own {@code $OPENCLAW_CONFIG_PATH}
 * (OpenClaw takes it as it is); else what OpenClaw itself picks, asked of the {@code openclaw} at
 * hand ({@code openclaw config file --json}: it also looks for legacy file names and state
 * directories) when there is one to ask; else OpenClaw's canonical file, {@code
 * $OPENCLAW_STATE_DIR/openclaw.json} or {@code ~/.openclaw/openclaw.json}. The first two need no
 * process run, so reading the wiring costs no Node start when twins.yaml or the environment says.
 *
 * @param file the config file
 * @param pin whether {@code openclaw} commands must be told to use it ({@code OPENCLAW_CONFIG_PATH}),
 *     because its own lookup would not pick it by itself
 */
public record OpenClawConfigFile(Path file, boolean pin) {

    static final String DEFAULT_OPENCLAW_CONFIG = "~/.openclaw/openclaw.json";

    /** Without running anything: what twins.yaml or the environment says, else the canonical file. */
    public static OpenClawConfigFile locate(ConfigEnvironment environment, TwinsConfig.Twin twin) {
        return stated(environment, twin).orElseGet(() -> canonical(environment));
    }

    /** As {@link #locate(ConfigEnvironment, TwinsConfig.Twin)}, but asks {@code openclaw} before guessing. */
    public static OpenClawConfigFile locate(ConfigEnvironment environment, TwinsConfig.Twin twin, OpenClawCli openclaw)
            throws IOException {
        Optional<OpenClawConfigFile> stated = stated(environment, twin);
        return stated.isPresent() ? stated.get() : new OpenClawConfigFile(ask(openclaw), false);
    }

    /** {@code openclaw} run against this file. */
    public OpenClawCli applyTo(OpenClawCli openclaw) {
        return pin ? openclaw.withConfigFile(file) : openclaw;
    }

    private static Optional<OpenClawConfigFile> stated(ConfigEnvironment environment, TwinsConfig.Twin twin) {
        if (!twin.openclawConfig().equals(DEFAULT_OPENCLAW_CONFIG)) {
            return Optional.of(new OpenClawConfigFile(environment.expandHome(twin.openclawConfig()), true));
        }
        return environment
                .variable("OPENCLAW_CONFIG_PATH")
                .map(path -> new OpenClawConfigFile(environment.expandHome(path), false));
    }

    private static OpenClawConfigFile canonical(ConfigEnvironment environment) {
        Optional<String> stateDir = environment.variable("OPENCLAW_STATE_DIR");
        // with a state dir, openclaw's own lookup is left to choose (it may find a legacy name there)
        return stateDir.map(dir ->
                        new OpenClawConfigFile(environment.expandHome(dir).resolve("openclaw.json"), false))
                .orElseGet(() -> new OpenClawConfigFile(environment.expandHome(DEFAULT_OPENCLAW_CONFIG), true));
    }

    /** The config file the {@code openclaw} at hand uses ({@code openclaw config file --json}). */
    private static Path ask(OpenClawCli openclaw) throws IOException {
        OpenClawCli.Result result = openclaw.run(List.of("config", "file", "--json"));
        if (!result.ok()) {
            throw new IOException("openclaw config file failed: " + result.lastLine());
        }
        Optional<JsonNode> answer = GatewayWiring.jsonObject(result.stdout());
        if (answer.isEmpty()) {
            throw new IOException("openclaw config file --json printed no JSON: " + result.lastLine());
        }
        String path = answer.get().path("path").asString("");
        if (path.isBlank()) {
            throw new IOException("openclaw config file --json named no path");
        }
        return Path.of(path);
    }
}
