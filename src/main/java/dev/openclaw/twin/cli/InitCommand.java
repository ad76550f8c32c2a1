package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.HostCheck;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.config.TwinsConfig.StorageType;
import dev.openclaw.twin.config.TwinsConfig.Twin;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.Rotation;
import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.PrimaryState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreRead;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

@Command(
        name = "init",
        header = "Write a commented twins.yaml and the first shared state.",
        description = {
            "Write a commented twins.yaml, create the shared state directory and its",
            "first twin-primary.json. At a terminal it asks for what the flags do not",
            "give; with --no-input (or without a terminal) flags give every value:",
            "",
            "  twin init --twin tars=mark@192.168.1.100 --twin case=mark@192.168.1.101 \\",
            "      --state-dir /Volumes/shared/twin --timezone Europe/London --no-input",
            "",
            "Two twins alternate by date: the first is primary on odd dates, the second",
            "on even dates. Three or more take turns a day each, in the order given.",
            "An existing twins.yaml is only replaced with --force (kept as .bak).",
            "It is written to --config PATH, by default $XDG_CONFIG_HOME/openclaw-twin/twins.yaml",
            "(~/.config/openclaw-twin/twins.yaml), where every twin command finds it.",
            ""
        })
public final class InitCommand implements Callable<Integer> {

    private static final Pattern TWIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern TWIN_SPEC = Pattern.compile("([^=]+)=(?:([^@]+)@)?(.+)");
    private static final Pattern PLAIN_SCALAR = Pattern.compile("[A-Za-z0-9_./~][A-Za-z0-9_./~@:+-]*");
    /** Numbers in any YAML version's reading (1.1 octal and base-60 included). */
    private static final Pattern NUMBER_LIKE =
            Pattern.compile("[-+]?[0-9_]+(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|[0-9_]+(:[0-5]?[0-9])+");

    private static final List<String> YAML_WORDS =
            List.of("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~");
    private static final JsonMapper JSON = new JsonMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private final CliContext context;

    /**
     * Where to write it: the global --config. Default: $XDG_CONFIG_HOME/openclaw-twin/twins.yaml
     * (~/.config/openclaw-twin/twins.yaml), which every twin command finds.
     */
    @Mixin
    ConfigOption target;

    @Option(
            names = "--twin",
            paramLabel = "NAME=[USER@]HOST",
            description = "A twin: its name, SSH user and host. Repeat for each twin (two or more).")
    List<String> twinSpecs = new ArrayList<>();

    @Option(
            names = "--state-dir",
            paramLabel = "PATH",
            description = "The shared directory every twin sees (an SMB/NFS mount point or a local dir).")
    String stateDir;

    @Option(
            names = "--storage",
            paramLabel = "TYPE",
            description = "What the state directory is: smb, nfs, cloud or local. Default: smb.")
    String storage;

    @Option(
            names = "--timezone",
            paramLabel = "ZONE",
            description = "Whose calendar decides the day's primary (e.g. Europe/London). Default: this machine's.")
    String timezone;

    @Option(
            names = "--openclaw-path",
            paramLabel = "PATH",
            description = "The OpenClaw workspace on each twin. Default: ~/workspace.")
    String openclawPath;

    @Option(names = "--force", description = "Replace an existing twins.yaml (kept as twins.yaml.bak).")
    boolean force;

    @Option(names = "--no-input", description = "Never ask; fail naming the flags that are missing.")
    boolean noInput;

    /**
     * What is left to do on every twin: wire its gateway (twin connect does what the README's
     * manual steps did, through openclaw's own CLI), keep its daemon running, then check it all.
     */
    static final String NEXT_STEPS = """
            Next, on every twin, with this file copied to it (twin validate checks it):
              twin connect           wire this host's OpenClaw gateway to its daemon: the plugin, its
                                     config and the hooks token takeovers need (--dry-run prints the
                                     openclaw commands it would run, to do them by hand instead)
              twin install-service   run the daemon at login and restart it if it dies
              twin doctor            check this twin end to end; each problem with its fix
            Then 'twin status' shows the flock.
            """;

    public InitCommand(CliContext context) {
        this.context = context;
    }

    /** One twin as given: its name, SSH user and host. */
    record TwinEntry(String name, String username, String hostname) {}

    @Override
    public Integer call() {
        Path file = target.path().orElseGet(this::defaultTarget);
        if (Files.exists(file) && !force) {
            throw new TwinException(
                    ExitCodes.FAILED, file + " exists; pass --force to replace it (the old one is kept as .bak)");
        }
        boolean ask = context.interactive() && !noInput;
        List<TwinEntry> twins = twinSpecs.isEmpty() && ask ? askTwins() : parseTwins(twinSpecs);
        String dir = value(
                stateDir,
                "--state-dir",
                "Shared state directory (a mount every twin sees)",
                "~/shared_storage",
                ask,
                v -> v);
        String type = value(
                storage, "--storage", "What is it: smb, nfs, cloud or local", "smb", ask, InitCommand::storageType);
        if (type.equals(StorageType.CLOUD.configName())) {
            context.out().println("  Note: " + StorageType.CLOUD_CAVEAT + ".");
        }
        ZoneId zone = ZoneId.of(value(
                timezone,
                "--timezone",
                "Time zone for the daily rotation",
                ZoneId.systemDefault().getId(),
                ask,
                InitCommand::zone));
        String workspace =
                value(openclawPath, "--openclaw-path", "OpenClaw workspace on each twin", "~/workspace", ask, v -> v);

        String yaml = render(twins, dir, type, zone, workspace);
        TwinsConfig config;
        try {
            config = new ConfigLoader(context.environment()).parse(yaml, file);
        } catch (ConfigException e) {
            // Inputs are checked above; a problem here is ours, not the user's.
            throw new IllegalStateException(
                    "twin init produced an invalid configuration:\n" + String.join("\n", e.lines()) + "\n" + yaml);
        }
        writeConfig(file, yaml);
        context.out().println("Wrote " + file);
        initialiseStore(config);
        context.out().print(NEXT_STEPS);
        return ExitCodes.OK;
    }

    private Path defaultTarget() {
        Path xdg = context.environment()
                .variable("XDG_CONFIG_HOME")
                .map(context.environment()::expandHome)
                .orElse(context.environment().home().resolve(".config"));
        return xdg.resolve("openclaw-twin").resolve("twins.yaml");
    }

    private List<TwinEntry> askTwins() {
        // The config's own default, so that pressing Enter writes what leaving it out would mean.
        String user = Twin.defaultUsername();
        String names = ask("Twin names, two or more, separated by spaces", "tars case", text -> {
            List<String> list = List.of(text.trim().split("[\\s,]+"));
            if (list.size() < 2) {
                throw new IllegalArgumentException("name at least two twins");
            }
            list.forEach(InitCommand::twinName);
            return text;
        });
        List<TwinEntry> twins = new ArrayList<>();
        for (String name : names.trim().split("[\\s,]+")) {
            String host = ask("Host name or IP address of " + name, null, InitCommand::hostOrUserAtHost);
            String userDefault = user;
            Optional<HostCheck.UserAtHost> split = HostCheck.userAtHost(host);
            if (split.isPresent()) {
                host = split.get().host();
                userDefault = split.get().user();
                context.out()
                        .println("  (split: user " + userDefault + ", host " + host
                                + "; press Enter at the next question to keep that user)");
            }
            String username = ask("SSH user on " + name, userDefault, InitCommand::username);
            twins.add(new TwinEntry(name, username, host));
        }
        return twins;
    }

    private static List<TwinEntry> parseTwins(List<String> specs) {
        if (specs.size() < 2) {
            throw new TwinException(
                    ExitCodes.USAGE,
                    "init: name at least two twins with --twin NAME=[USER@]HOST (got " + specs.size() + ")");
        }
        Map<String, TwinEntry> twins = new LinkedHashMap<>();
        for (String spec : specs) {
            var m = TWIN_SPEC.matcher(spec.strip());
            if (!m.matches()) {
                throw new TwinException(ExitCodes.USAGE, "init: --twin " + spec + ": expected NAME=[USER@]HOST");
            }
            String name = checked("--twin " + spec, m.group(1).strip(), InitCommand::twinName);
            String address = spec.strip().substring(spec.strip().indexOf('=') + 1);
            // ssh://mark@host is one mistake, not a bad user and a good host.
            checked(
                    "--twin " + spec,
                    address.contains("://") ? address : m.group(3).strip(),
                    InitCommand::hostname);
            if (m.group(2) != null) {
                checked("--twin " + spec, m.group(2).strip(), InitCommand::username);
            }
            if (twins.put(
                            name.toLowerCase(Locale.ROOT),
                            new TwinEntry(name, m.group(2), m.group(3).strip()))
                    != null) {
                throw new TwinException(ExitCodes.USAGE, "init: twin '" + name + "' is given twice");
            }
        }
        return List.copyOf(twins.values());
    }

    /** The flag's value if given, else the answer to a question, else the default (or an error). */
    private String value(
            String given, String flag, String question, String fallback, boolean ask, Function<String, String> check) {
        if (given != null) {
            return checked("init: " + flag, given.strip(), check);
        }
        return ask ? ask(question, fallback, check) : fallback;
    }

    /** Asks until the answer passes {@code check}; an empty answer takes {@code fallback}. */
    private String ask(String question, String fallback, Function<String, String> check) {
        while (true) {
            context.out().print(question + (fallback == null ? "" : " [" + fallback + "]") + ": ");
            context.out().flush();
            String line;
            try {
                line = context.in().readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (line == null) {
                throw new TwinException(ExitCodes.USAGE, "init: input ended before '" + question + "' was answered");
            }
            String answer = line.isBlank() ? fallback : line.strip();
            if (answer == null) {
                context.out().println("  (an answer is needed)");
                continue;
            }
            try {
                return check.apply(answer);
            } catch (IllegalArgumentException e) {
                context.out().println("  " + e.getMessage());
            }
        }
    }

    private static String checked(String what, String value, Function<String, String> check) {
        try {
            return check.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TwinException(ExitCodes.USAGE, what + ": " + e.getMessage());
        }
    }

    private static String twinName(String name) {
        if (!TWIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not a twin name (letters, digits, '.', '_', '-'; at most 63)");
        }
        return name;
    }

    /** A host name, or {@code user@host} (split by the caller); anything else says what was meant. */
    private static String hostOrUserAtHost(String text) {
        return HostCheck.userAtHost(text).isPresent() ? text : hostname(text);
    }

    private static String hostname(String text) {
        HostCheck.hostnameProblem(text).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return text;
    }

    private static String username(String text) {
        HostCheck.usernameProblem(text).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return text;
    }

    private static String storageType(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (!List.of("smb", "nfs", "cloud", "local").contains(t)) {
            throw new IllegalArgumentException("'" + type + "' is not one of smb, nfs, cloud, local");
        }
        return t;
    }

    private static String zone(String text) {
        try {
            return ZoneId.of(text).getId();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time zone (e.g. Europe/London, UTC)");
        }
    }

    /** A YAML scalar for {@code text}: plain when that reads back as the same string, else quoted. */
    static String scalar(String text) {
        if (PLAIN_SCALAR.matcher(text).matches()
                && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT))
                && !NUMBER_LIKE.matcher(text).matches()
                && readsBackAsItself(text)) {
            return text;
        }
        // A JSON string is a valid YAML double-quoted scalar.
        return JSON.writeValueAsString(text);
    }

    /** Whether YAML reads {@code v: text} as the string {@code text} (not a number, date or bool). */
    private static boolean readsBackAsItself(String text) {
        try {
            JsonNode value = YAML.readTree("v: " + text).get("v");
            return value != null && value.isString() && value.asString().equals(text);
        } catch (JacksonException e) {
            return false;
        }
    }

    /** {@code key: value} with its comment lined up. */
    private static String entry(String indent, String key, String value, String comment) {
        String text = indent + key + ": " + value;
        return comment.isEmpty() ? text + "\n" : String.format("%-32s # %s%n", text, comment);
    }

    private static String render(List<TwinEntry> twins, String dir, String type, ZoneId zone, String workspace) {
        StringBuilder y = new StringBuilder();
        y.append("""
                # openclaw-twin configuration, written by 'twin init'. Every twin uses the
                # same file. Every key is described in the README; 'twin validate' checks it.

                twins:                           # the key is the twin's name, as people address it
                """);
        for (TwinEntry t : twins) {
            y.append("  ").append(scalar(t.name())).append(":\n");
            y.append(entry("    ", "hostname", scalar(t.hostname()), "how the other twins reach it (SSH)"));
            if (t.username() != null) {
                y.append(entry("    ", "username", scalar(t.username()), "SSH user for rescue"));
            }
            y.append(entry("    ", "openclaw_path", scalar(workspace), "its OpenClaw workspace"));
            y.append(entry("    # ", "aliases", "[" + t.name().toUpperCase(Locale.ROOT) + "]", "other names for it"));
            y.append(entry("    # ", "gateway_url", "http://127.0.0.1:18789", "as its own daemon reaches it"));
            if (type.equals(StorageType.CLOUD.configName())) {
                // On a cloud folder claims are arbitrated between the daemons: required.
                y.append(entry(
                        "    ",
                        "daemon_url",
                        "http://" + t.hostname() + ":7420",
                        "required on a cloud folder (peers ask it; set daemon.bind and daemon.token)"));
            } else {
                y.append(entry("    # ", "daemon_url", "http://" + t.hostname() + ":7420", "peers probe it directly"));
            }
        }
        y.append("""

                shared_storage:
                  type: %s                       # smb, nfs, cloud or local: a directory every twin sees
                  path: %s
                  state_file: twin-primary.json

                coordination:
                %s
                  timezone: %s
                  fallback_timeout_minutes: 30   # the primary counts as offline after this long
                  offline_after_seconds: 20      # ...or after this long without a heartbeat (the smaller wins)
                  takeover_delay_seconds: 2      # how long the next twin waits for a claim before answering
                  takeover_dispatch:             # a takeover runs as an agent turn on the twin's own gateway
                    type: openclaw
                    # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # the gateway's hooks.token: takeovers need it

                monitoring:
                  heartbeat_interval: 5s
                  health_check_interval: 5m
                  # alert_channels: [discord]
                  # discord: {webhook_url: "${DISCORD_WEBHOOK_URL}"}

                rescue:
                  auto: false                    # true: a healthy twin restarts a broken one over SSH
                  restart_command: openclaw gateway restart
                  max_attempts: 5
                  allow_reboot: false

                daemon:
                  port: 7420
                  bind: 127.0.0.1                # another address needs a token
                """.formatted(type, scalar(dir), rotation(twins).stripTrailing(), zone.getId()));
        return y.toString();
    }

    /** Two twins alternate by odd and even dates (as the seed); more take turns, a day each. */
    private static String rotation(List<TwinEntry> twins) {
        if (twins.size() == 2) {
            return entry("  ", "rotation", "daily", "daily, round-robin or manual")
                    + entry("  ", "odd_primary", scalar(twins.get(0).name()), "primary on odd dates")
                    + entry("  ", "even_primary", scalar(twins.get(1).name()), "primary on even dates");
        }
        String order =
                String.join(", ", twins.stream().map(t -> scalar(t.name())).toList());
        return entry("  ", "rotation", "round-robin", "one twin a day, in this order")
                + entry("  ", "order", "[" + order + "]", "also the takeover order");
    }

    /** Writes the file owner-only (it may later hold secrets), keeping any old one as .bak. */
    private static void writeConfig(Path file, String yaml) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (Files.exists(file)) {
                Files.copy(file, file.resolveSibling(file.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING);
            }
            AtomicFile.OWNER_ONLY.write(file, yaml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TwinException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Creates the state directory and the day's twin-primary.json, keeping one another twin wrote. */
    private void initialiseStore(TwinsConfig config) {
        Path dir = config.sharedStorage().path().orElseThrow();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                context.out()
                        .println("Created the state directory " + dir
                                + (config.sharedStorage().type().configName().equals("local")
                                        ? ""
                                        : " (mount the share there before starting the daemons)"));
            }
        } catch (IOException e) {
            throw new TwinException(
                    ExitCodes.FAILED, "wrote the config, but cannot create the state directory " + dir + ": " + e);
        }
        StateStore store = new FileStateStore(dir, config.sharedStorage().stateFile());
        Instant now = context.clock().instant();
        try {
            Optional<PrimaryState> existing = switch (store.readPrimaryState()) {
                case StoreRead.Present<PrimaryState> p -> Optional.of(p.value());
                case StoreRead.Corrupt<PrimaryState> c -> {
                    context.err().println("twin: replacing " + c.problem());
                    yield Optional.empty();
                }
                case StoreRead.Absent<PrimaryState> a -> Optional.empty();
            };
            if (existing.isPresent()) {
                context.out()
                        .println("Kept " + config.sharedStorage().stateFile() + " (primary "
                                + existing.get().primary() + " on "
                                + existing.get().date() + ")");
                return;
            }
            Rotation rotation = new Rotation(config.coordination());
            DayRoles roles = rotation.rolesOn(rotation.dateAt(now), Overrides.NONE);
            store.writePrimaryState(PrimaryState.of(
                    roles, Overrides.NONE, false, config.coordination().timezone(), now));
            context.out()
                    .println("Wrote " + dir.resolve(config.sharedStorage().stateFile()) + ": primary today "
                            + roles.primary() + " (" + roles.explanation() + ")");
        } catch (StoreUnavailableException e) {
            throw new TwinException(ExitCodes.FAILED, "wrote the config, but not twin-primary.json: " + e.getMessage());
        }
    }
}
