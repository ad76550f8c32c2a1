package dev.openclaw.twin.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated {@code twins.yaml}. Every value has been checked and defaulted; nothing here needs to
 * be validated again by the code that uses it.
 *
 * @param source the file it was read from
 * @param twins the twins in the order they were written
 * @param warnings things that load but that an operator should know about
 */
public record TwinsConfig(
        Path source,
        Map<String, Twin> twins,
        SharedStorage sharedStorage,
        Coordination coordination,
        Monitoring monitoring,
        Rescue rescue,
        Backup backup,
        Sync sync,
        Daemon daemon,
        List<ConfigProblem> warnings) {

    public TwinsConfig {
        twins = Collections.unmodifiableMap(new LinkedHashMap<>(twins));
        warnings = List.copyOf(warnings);
    }

    public List<String> twinNames() {
        return List.copyOf(twins.keySet());
    }

    /** The twin with this exact name, or an exception naming the twins that exist. */
    public Twin twin(String name) {
        Twin twin = twins.get(name);
        if (twin == null) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not a twin (twins: " + String.join(", ", twins.keySet()) + ")");
        }
        return twin;
    }

    /** The twin called {@code nameOrAlias} (its name or an alias, any case), if there is one. */
    public Optional<String> findTwin(String nameOrAlias) {
        String wanted = nameOrAlias.strip();
        return twins.values().stream()
                .filter(t -> t.name().equalsIgnoreCase(wanted)
                        || t.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(wanted)))
                .map(Twin::name)
                .findFirst();
    }

    /** One OpenClaw instance of the flock. */
    public record Twin(
            String name,
            String hostname,
            String username,
            String openclawPath,
            String openclawConfig,
            List<String> aliases,
            List<String> botIds,
            Optional<Boolean> strictMentions,
            Ssh ssh,
            URI gatewayUrl,
            Optional<URI> daemonUrl) {
        public Twin {
            aliases = List.copyOf(aliases);
            botIds = List.copyOf(botIds);
        }

        /** {@code username} when it is not written: the user running {@code twin} here. */
        public static String defaultUsername() {
            return System.getProperty("user.name", "openclaw");
        }
    }

    /** How to reach a twin over SSH for rescue. {@code key} empty means the SSH agent/default keys. */
    public record Ssh(int port, Optional<Path> key, Path knownHosts) {}

    public enum StorageType {
        SMB,
        NFS,
        CLOUD,
        LOCAL,
        ETCD;

        /** What a cloud-synced folder can and cannot give, for {@code twin validate} and {@code twin init}. */
        public static final String CLOUD_CAVEAT = "a cloud-synced folder (iCloud Drive, Dropbox, Syncthing) gives"
                + " each twin its own copy, synced seconds later, so an exclusive create there is not atomic across"
                + " twins. What it can do: carry heartbeats, twin-primary.json, overrides, events, backups and"
                + " knowledge sync (one writer per file), with the sync's lag (shared_storage.sync_lag) added to"
                + " liveness. What it cannot do: decide who answers a message; claims are arbitrated instead by"
                + " the acting arbiter's daemon (the first live twin of the day's order) over daemon_url, so every"
                + " twin needs a daemon_url its peers reach; a twin that reaches no arbiter claims nothing and"
                + " stays silent, and after the arbiter fails, messages wait about offline_after + 2 x sync_lag"
                + " to be taken over";

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** All but etcd keep the state as files in a directory. */
        public boolean isFileBackend() {
            return this != ETCD;
        }
    }

    /** @param path the shared directory (file backends); empty for etcd */
    /**
     * @param syncLag how long a change made in one twin's copy of the folder may take to reach the
     *     others' ({@code shared_storage.sync_lag}): zero on a share every twin mounts, seconds on a
     *     cloud-synced folder, where liveness waits it out and a new arbiter of claims waits for it
     */
    public record SharedStorage(
            StorageType type, Optional<Path> path, String stateFile, List<URI> endpoints, Duration syncLag) {
        /** Without a cloud folder's sync, changes are seen at once; a cloud folder syncs within this by default. */
        public static final Duration CLOUD_SYNC_LAG = Duration.ofSeconds(10);

        public SharedStorage {
            endpoints = List.copyOf(endpoints);
        }

        public SharedStorage(StorageType type, Optional<Path> path, String stateFile, List<URI> endpoints) {
            this(type, path, stateFile, endpoints, type == StorageType.CLOUD ? CLOUD_SYNC_LAG : Duration.ZERO);
        }

        /** Claims need an arbiter: each twin has its own copy of the folder (a cloud-synced one). */
        public boolean claimsByArbiter() {
            return type == StorageType.CLOUD;
        }
    }

    public enum RotationMode {
        DAILY("daily"),
        MANUAL("manual"),
        ROUND_ROBIN("round-robin");

        private final String configName;

        RotationMode(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /**
     * @param order every twin exactly once: the takeover rank after the primary
     * @param pinnedPrimary the primary under {@code rotation: manual} until an override says otherwise
     */
    public record Coordination(
            RotationMode rotation,
            String oddPrimary,
            String evenPrimary,
            String pinnedPrimary,
            List<String> order,
            ZoneId timezone,
            Duration fallbackTimeout,
            Duration offlineAfter,
            Duration takeoverDelay,
            TakeoverDispatch takeoverDispatch,
            List<Pattern> machineSpecificPatterns) {
        public Coordination {
            order = List.copyOf(order);
            machineSpecificPatterns = List.copyOf(machineSpecificPatterns);
        }

        /** Heartbeat-based and seed role-level timeouts: whichever is smaller wins. */
        public Duration offlineThreshold() {
            return offlineAfter.compareTo(fallbackTimeout) <= 0 ? offlineAfter : fallbackTimeout;
        }
    }

    /** How a takeover re-runs a turn on the twin that took the message over. */
    public sealed interface TakeoverDispatch {
        /** The twin's own gateway runs the turn ({@code POST /hooks/agent}). */
        record OpenClaw(Optional<URI> url, Optional<Secret> hooksToken) implements TakeoverDispatch {}

        /** The original decide request is POSTed to a URL. */
        record Webhook(URI url, Optional<Secret> token) implements TakeoverDispatch {}
    }

    public enum AlertChannel {
        DISCORD,
        TELEGRAM,
        EMAIL,
        SLACK,
        NTFY,
        WEBHOOK;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Monitoring(
            Duration healthCheckInterval,
            Duration heartbeatInterval,
            List<AlertChannel> alertChannels,
            Optional<Discord> discord,
            Optional<Telegram> telegram,
            Optional<Slack> slack,
            Optional<Ntfy> ntfy,
            Optional<Webhook> webhook,
            Optional<Email> email,
            Optional<Secret> deadmanUrl) {
        public Monitoring {
            alertChannels = List.copyOf(alertChannels);
        }
    }

    public record Discord(Secret webhookUrl) {}

    public record Telegram(Secret botToken, String chatId) {}

    public record Slack(Secret webhookUrl) {}

    public record Ntfy(Secret url, Optional<Secret> token) {}

    public record Webhook(Secret url, Optional<Secret> token) {}

    public enum EmailSecurity {
        STARTTLS,
        TLS,
        NONE
    }

    public record Email(
            String smtpHost,
            int smtpPort,
            EmailSecurity security,
            String from,
            List<String> to,
            Optional<String> username,
            Optional<Secret> password) {
        public Email {
            to = List.copyOf(to);
        }
    }

    /**
     * What a rescue runs on the failed twin's host, each an argument vector (never a shell string).
     *
     * @param restartCommand restarts the gateway, run in the twin's {@code openclaw_path}
     * @param statusCommand diagnosis: the gateway's own view of its state
     * @param logsCommand diagnosis: its last log lines
     * @param rebootCommand only with {@code allowReboot} and an explicit {@code --reboot}
     */
    public record Rescue(
            boolean auto,
            List<String> restartCommand,
            List<String> statusCommand,
            List<String> logsCommand,
            List<String> rebootCommand,
            int maxAttempts,
            boolean allowReboot,
            Duration readyTimeout) {
        public Rescue {
            restartCommand = List.copyOf(restartCommand);
            statusCommand = List.copyOf(statusCommand);
            logsCommand = List.copyOf(logsCommand);
            rebootCommand = List.copyOf(rebootCommand);
        }
    }

    /**
     * Config snapshots under {@code config-backup/}: a snapshot goes when {@code keep} or {@code
     * maxAge} says so; {@code archive} adds OpenClaw's own {@code openclaw backup create} archive.
     *
     * @param openclawCommand how to run {@code openclaw} on a twin's host (an argument vector)
     */
    public record Backup(int keep, Duration maxAge, Archive archive, List<String> openclawCommand) {
        public Backup {
            openclawCommand = List.copyOf(openclawCommand);
        }
    }

    /** Which {@code openclaw backup create} archive goes into each snapshot. */
    public enum Archive {
        /** none */
        OFF,
        /** {@code --only-config}: the config file in OpenClaw's restorable format */
        CONFIG,
        /** {@code --no-include-workspace}: config, credentials, sessions (sensitive; kept 0600) */
        STATE;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Daemon(int port, String bind, Optional<Secret> token) {}

    /**
     * Shared knowledge kept in step between the twins through the shared store.
     *
     * @param interval how often each daemon syncs; zero: only {@code twin sync}
     * @param maxFileSize larger files are skipped with a warning
     */
    public record Sync(Duration interval, long maxFileSize, List<SyncFolder> folders) {
        public Sync {
            folders = List.copyOf(folders);
        }
    }

    /**
     * One synced folder.
     *
     * @param path inside each twin's {@code openclaw_path}, relative
     * @param shared its name under {@code <shared_storage.path>/sync/}
     * @param include globs of the files to sync (relative paths); empty: all
     * @param exclude globs of files to leave out, on top of what always stays per twin
     */
    public record SyncFolder(String path, String shared, List<String> include, List<String> exclude) {
        /** Directories the seed keeps per twin: never synced, and a folder or include naming one is refused. */
        public static final List<String> PER_TWIN_NAMES = List.of("sessions", "memory", "credentials");

        public SyncFolder {
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
        }
    }
}
