package dev.openclaw.twin.config;

import dev.openclaw.twin.config.TwinsConfig.AlertChannel;
import dev.openclaw.twin.config.TwinsConfig.Backup;
import dev.openclaw.twin.config.TwinsConfig.Coordination;
import dev.openclaw.twin.config.TwinsConfig.Daemon;
import dev.openclaw.twin.config.TwinsConfig.Discord;
import dev.openclaw.twin.config.TwinsConfig.Email;
import dev.openclaw.twin.config.TwinsConfig.EmailSecurity;
import dev.openclaw.twin.config.TwinsConfig.Monitoring;
import dev.openclaw.twin.config.TwinsConfig.Ntfy;
import dev.openclaw.twin.config.TwinsConfig.Rescue;
import dev.openclaw.twin.config.TwinsConfig.RotationMode;
import dev.openclaw.twin.config.TwinsConfig.SharedStorage;
import dev.openclaw.twin.config.TwinsConfig.Slack;
import dev.openclaw.twin.config.TwinsConfig.Ssh;
import dev.openclaw.twin.config.TwinsConfig.StorageType;
import dev.openclaw.twin.config.TwinsConfig.Sync;
import dev.openclaw.twin.config.TwinsConfig.SyncFolder;
import dev.openclaw.twin.config.TwinsConfig.TakeoverDispatch;
import dev.openclaw.twin.config.TwinsConfig.Telegram;
import dev.openclaw.twin.config.TwinsConfig.Twin;
import dev.openclaw.twin.config.TwinsConfig.Webhook;
import dev.openclaw.twin.config.YamlNode.Entry;
import dev.openclaw.twin.config.YamlNode.Location;
import dev.openclaw.twin.config.YamlNode.MapNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a parsed {@code twins.yaml} into a {@link TwinsConfig}, checking every key of DESIGN §3 and
 * collecting every problem rather than stopping at the first.
 */
final class ConfigBinder {

    static final List<String> TOP_KEYS =
            List.of("twins", "shared_storage", "coordination", "monitoring", "rescue", "backup", "sync", "daemon");
    static final List<String> TWIN_KEYS = List.of(
            "hostname",
            "username",
            "openclaw_path",
            "openclaw_config",
            "aliases",
            "bot_ids",
            "strict_mentions",
            "ssh",
            "gateway_url",
            "daemon_url");
    static final List<String> SSH_KEYS = List.of("port", "key", "known_hosts");
    static final List<String> STORAGE_KEYS = List.of("type", "path", "state_file", "endpoints", "sync_lag");
    static final List<String> COORDINATION_KEYS = List.of(
            "rotation",
            "odd_primary",
            "even_primary",
            "primary",
            "order",
            "timezone",
            "fallback_timeout_minutes",
            "offline_after_seconds",
            "takeover_delay_seconds",
            "takeover_dispatch",
            "machine_specific_patterns");
    static final List<String> DISPATCH_KEYS = List.of("type", "url", "hooks_token", "token");
    static final List<String> MONITORING_KEYS = List.of(
            "health_check_interval",
            "heartbeat_interval",
            "alert_channels",
            "discord",
            "telegram",
            "slack",
            "ntfy",
            "webhook",
            "email",
            "deadman_url");
    static final List<String> EMAIL_KEYS =
            List.of("smtp_host", "smtp_port", "security", "from", "to", "username", "password");
    static final List<String> RESCUE_KEYS = List.of(
            "auto",
            "restart_command",
            "status_command",
            "logs_command",
            "reboot_command",
            "max_attempts",
            "allow_reboot",
            "ready_timeout_seconds");
    static final List<String> BACKUP_KEYS = List.of("keep", "max_age", "openclaw_archive", "openclaw_command");
    static final List<String> DAEMON_KEYS = List.of("port", "bind", "token");
    static final List<String> SYNC_KEYS = List.of("interval", "max_file_size", "folders");
    static final List<String> SYNC_FOLDER_KEYS = List.of("path", "shared", "include", "exclude");

    /** Requests a human writes about their own machine; every online twin answers them. */
    static final List<String> DEFAULT_MACHINE_SPECIFIC_PATTERNS = List.of(
            "\\b(?:your|each of your|both of your) (?:disk|disks|disk space|cpu|memory|ram|uptime|load|logs?|"
                    + "hostname|ip|ip address|os|version|temperature|battery|network)\\b",
            "\\bcheck your\\b");

    static final String DEFAULT_GATEWAY_URL = "http://127.0.0.1:18789";
    static final int DEFAULT_DAEMON_PORT = 7420;

    private static final Pattern TWIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern BOT_TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{1,200}");
    private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final ConfigSection.Context context;
    private final List<ConfigProblem> warnings;
    private final boolean fileReadableByOthers;
    /** Keys whose secret value is written into the file itself (not ${ENV} or file:). */
    private final List<String> inlineSecretKeys = new ArrayList<>();
    /** Each twin's section, for problems found once the whole file is read. */
    private final Map<String, ConfigSection> twinSections = new HashMap<>();

    ConfigBinder(ConfigSection.Context context, List<ConfigProblem> warnings, boolean fileReadableByOthers) {
        this.context = context;
        this.warnings = warnings;
        this.fileReadableByOthers = fileReadableByOthers;
    }

    Optional<TwinsConfig> bind(YamlNode root, Path source) {
        if (!(root instanceof MapNode rootMap)) {
            context.problems()
                    .add(new ConfigProblem(
                            context.file(),
                            root.location(),
                            "",
                            "expected a mapping with a 'twins:' key at the top, got " + root.kindName()));
            return Optional.empty();
        }
        ConfigSection top = ConfigSection.of(context, "", Location.START, rootMap, TOP_KEYS);
        Map<String, Twin> twins = twins(top);
        ConfigSection storageSection = top.sectionOrAbsent("shared_storage", STORAGE_KEYS);
        SharedStorage storage = sharedStorage(storageSection);
        ConfigSection coordinationSection = top.sectionOrAbsent("coordination", COORDINATION_KEYS);
        Coordination coordination = coordination(coordinationSection, twins);
        ConfigSection monitoringSection = top.sectionOrAbsent("monitoring", MONITORING_KEYS);
        Monitoring monitoring = monitoring(monitoringSection);
        checkTimings(coordinationSection, monitoringSection, coordination, monitoring);
        Rescue rescue = rescue(top.sectionOrAbsent("rescue", RESCUE_KEYS));
        Backup backup = backup(top.sectionOrAbsent("backup", BACKUP_KEYS));
        Sync sync = sync(top.sectionOrAbsent("sync", SYNC_KEYS));
        Daemon daemon = daemon(top.sectionOrAbsent("daemon", DAEMON_KEYS));
        if (storage.claimsByArbiter()) {
            requireDaemonUrls(twins);
        }
        if (!context.problems().isEmpty()) {
            return Optional.empty();
        }
        if (storage.type() == StorageType.CLOUD) {
            warnAboutCloud(storageSection);
        }
        if (fileReadableByOthers && !inlineSecretKeys.isEmpty()) {
            warnings.add(new ConfigProblem(
                    context.file(),
                    Location.START,
                    "",
                    "readable by other users and holds secrets (" + String.join(", ", inlineSecretKeys)
                            + "): run chmod 600 " + context.file() + ", or use ${ENV_VAR} / file:/path"));
        }
        return Optional.of(new TwinsConfig(
                source, twins, storage, coordination, monitoring, rescue, backup, sync, daemon, warnings));
    }

    /** {@link TimingRule}, reported at the key the user wrote (the heartbeat, else the threshold). */
    private void checkTimings(
            ConfigSection coordinationSection,
            ConfigSection monitoringSection,
            Coordination coordination,
            Monitoring monitoring) {
        List<String> timingKeys = List.of(
                "coordination.offline_after_seconds",
                "coordination.fallback_timeout_minutes",
                "coordination.takeover_delay_seconds",
                "monitoring.heartbeat_interval");
        if (context.problems().stream().anyMatch(p -> timingKeys.contains(p.keyPath()))) {
            return; // a value already refused was replaced by its default: the relation would mislead
        }
        TimingRule rule = new TimingRule(
                monitoring.heartbeatInterval(), coordination.offlineThreshold(), coordination.takeoverDelay());
        String thresholdKey = coordination.offlineAfter().compareTo(coordination.fallbackTimeout()) <= 0
                ? "offline_after_seconds"
                : "fallback_timeout_minutes";
        for (TimingRule.Violation v : rule.violations()) {
            ConfigSection at;
            String key;
            if (v.relation() == TimingRule.Relation.HEARTBEAT_WITHIN_OFFLINE
                    && monitoringSection.has("heartbeat_interval")) {
                at = monitoringSection;
                key = "heartbeat_interval";
            } else if (v.relation() == TimingRule.Relation.TAKEOVER_WITHIN_OFFLINE
                    && coordinationSection.has("takeover_delay_seconds")) {
                at = coordinationSection;
                key = "takeover_delay_seconds";
            } else {
                at = coordinationSection;
                key = thresholdKey;
            }
            at.error(key, v.message());
        }
    }

    /** What a cloud-synced folder can and cannot do, as {@code twin init} explains it too. */
    private void warnAboutCloud(ConfigSection storage) {
        warnings.add(new ConfigProblem(
                context.file(), storage.locationOf("type"), storage.childPath("type"), StorageType.CLOUD_CAVEAT));
    }

    /**
     * On a cloud folder the twins agree on claims through the arbiter's daemon: a twin without a
     * daemon_url could never be asked as the arbiter, nor vouched for, so it is refused at its entry.
     */
    private void requireDaemonUrls(Map<String, Twin> twins) {
        twins.values().stream().filter(t -> t.daemonUrl().isEmpty()).forEach(t -> {
            ConfigSection section = twinSections.get(t.name());
            section.error(
                    "daemon_url",
                    "required with shared_storage.type: cloud (claims are arbitrated between the twins' daemons;"
                            + " set e.g. http://<its address>:7420, with daemon.bind and daemon.token)");
        });
    }

    // ---- twins --------------------------------------------------------------------------------

    private Map<String, Twin> twins(ConfigSection top) {
        Map<String, Twin> twins = new LinkedHashMap<>();
        if (!top.require("twins")) {
            return twins;
        }
        Optional<ConfigSection> section = top.namedSection("twins");
        if (section.isEmpty()) {
            return twins;
        }
        // Names and aliases are matched ignoring case, so no two twins may share one.
        Map<String, String> identities = new HashMap<>();
        for (Entry entry : section.get().entries()) {
            String previous = identities.putIfAbsent(entry.key().toLowerCase(Locale.ROOT), entry.key());
            if (previous != null) {
                section.get()
                        .error(
                                entry.keyLocation(),
                                section.get().childPath(entry.key()),
                                "'" + entry.key() + "' and '" + previous + "' differ only in case (names are compared"
                                        + " ignoring case)");
            }
        }
        for (Entry entry : section.get().entries()) {
            twin(section.get(), entry, identities).ifPresent(t -> twins.put(t.name(), t));
        }
        if (section.get().entries().size() < 2) {
            top.error(
                    top.keyLocationOf("twins"),
                    "twins",
                    "a flock needs at least 2 twins, found "
                            + section.get().entries().size());
        }
        return twins;
    }

    private Optional<Twin> twin(ConfigSection twinsSection, Entry entry, Map<String, String> identities) {
        String name = entry.key();
        String path = twinsSection.childPath(name);
        if (!TWIN_NAME.matcher(name).matches()) {
            twinsSection.error(
                    entry.keyLocation(),
                    path,
                    "'" + name + "' is not a usable twin name (letters, digits, '.', '_' and '-', starting with a"
                            + " letter or digit, at most 63)");
        }
        if (!(entry.value() instanceof MapNode map)) {
            twinsSection.error(
                    entry.value().location(),
                    path,
                    "expected the twin's settings (hostname, username, ...), got "
                            + entry.value().kindName());
            return Optional.empty();
        }
        ConfigSection s = ConfigSection.of(context, path, entry.keyLocation(), map, TWIN_KEYS);
        twinSections.put(name, s);
        Optional<String> hostname = s.requiredString("hostname")
                .map(String::strip)
                .filter(h -> accepted(s, "hostname", HostCheck.hostnameProblem(h)));
        String username = s.string("username")
                .map(String::strip)
                .filter(u -> accepted(s, "username", HostCheck.usernameProblem(u)))
                .orElse(Twin.defaultUsername());
        String openclawPath = s.pathText("openclaw_path").orElse("~/workspace");
        // A path on that twin's host: '~' is its user's home there, so it is not expanded here.
        String openclawConfig = s.pathText("openclaw_config").orElse("~/.openclaw/openclaw.json");
        List<String> aliases = s.list("aliases", (alias, location, itemPath) -> {
            String owner = identities.putIfAbsent(alias.toLowerCase(Locale.ROOT), name);
            if (owner != null && !owner.equals(name)) {
                s.error(
                        location,
                        itemPath,
                        "'" + alias + "' already names twin '" + owner
                                + "' (names and aliases are compared ignoring case)");
                return Optional.empty();
            }
            return Optional.of(alias);
        });
        List<String> botIds = s.strings("bot_ids");
        Optional<Boolean> strictMentions = s.optionalBool("strict_mentions");
        ConfigSection sshSection = s.sectionOrAbsent("ssh", SSH_KEYS);
        Ssh ssh = new Ssh(
                sshSection.integer("port", 22, 1, 65535),
                sshSection.localPath("key"),
                sshSection
                        .localPath("known_hosts")
                        .orElse(context.environment().home().resolve(".ssh/known_hosts")));
        URI gatewayUrl = s.url("gateway_url").orElse(URI.create(DEFAULT_GATEWAY_URL));
        Optional<URI> daemonUrl = s.url("daemon_url");
        return hostname.map(h -> new Twin(
                name,
                h,
                username,
                openclawPath,
                openclawConfig,
                aliases,
                botIds,
                strictMentions,
                ssh,
                gatewayUrl,
                daemonUrl));
    }

    private static boolean accepted(ConfigSection s, String key, Optional<String> problem) {
        problem.ifPresent(p -> s.error(key, p));
        return problem.isEmpty();
    }

    // ---- shared storage -----------------------------------------------------------------------

    private SharedStorage sharedStorage(ConfigSection s) {
        StorageType type = s.choice("type", ConfigSection.byConfigName(StorageType.values(), StorageType::configName))
                .orElse(StorageType.LOCAL);
        Optional<Path> path = s.localPath("path");
        String stateFile = s.string("state_file", "twin-primary.json");
        if (!PLAIN_FILE_NAME.matcher(stateFile).matches()) {
            s.error("state_file", "'" + stateFile + "' must be a file name inside shared_storage.path, not a path");
        }
        List<URI> endpoints =
                s.list("endpoints", (text, location, itemPath) -> s.parseUrl(text, location, itemPath, false));
        if (type.isFileBackend()) {
            if (path.isEmpty() && !s.has("path")) {
                path = Optional.of(context.environment().expandHome("~/shared_storage"));
            }
            if (s.has("endpoints")) {
                s.error("endpoints", "only used with type: etcd (this store is type: " + type.configName() + ")");
            }
        } else {
            s.require("endpoints");
        }
        Duration syncLag = s.duration(
                "sync_lag",
                type == StorageType.CLOUD ? SharedStorage.CLOUD_SYNC_LAG : Duration.ZERO,
                Duration.ZERO,
                Duration.ofMinutes(5));
        if (s.has("sync_lag") && !type.isFileBackend()) {
            s.error("sync_lag", "only used with a folder (this store is type: " + type.configName() + ")");
        }
        return new SharedStorage(type, path, stateFile, endpoints, syncLag);
    }

    // ---- coordination -------------------------------------------------------------------------

    private Coordination coordination(ConfigSection s, Map<String, Twin> twins) {
        List<String> names = List.copyOf(twins.keySet());
        RotationMode rotation = s.choice(
                        "rotation", ConfigSection.byConfigName(RotationMode.values(), RotationMode::configName))
                .orElse(RotationMode.DAILY);
        String first = names.isEmpty() ? "" : names.get(0);
        String second = names.size() < 2 ? first : names.get(1);
        String odd = twinName(s, "odd_primary", names).orElse(first);
        String even = twinName(s, "even_primary", names).orElse(second);
        List<String> order = order(s, names);
        String pinned = twinName(s, "primary", names).orElse(order.isEmpty() ? first : order.get(0));
        if (rotation == RotationMode.DAILY && !odd.isEmpty() && odd.equals(even) && names.size() > 1) {
            s.error("even_primary", "is the same twin as odd_primary: '" + even + "' would be primary every day");
        }
        ZoneId zone = s.string("timezone").flatMap(text -> zone(s, text)).orElse(ZoneId.systemDefault());
        Duration fallback = Duration.ofMinutes(s.integer("fallback_timeout_minutes", 30, 1, 24 * 60));
        Duration offlineAfter =
                s.seconds("offline_after_seconds", Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration takeoverDelay = s.seconds(
                "takeover_delay_seconds", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(5));
        TakeoverDispatch dispatch = dispatch(s.sectionOrAbsent("takeover_dispatch", DISPATCH_KEYS));
        List<Pattern> patterns = s.has("machine_specific_patterns")
                ? s.list("machine_specific_patterns", (text, location, itemPath) -> regex(s, text, location, itemPath))
                : DEFAULT_MACHINE_SPECIFIC_PATTERNS.stream()
                        .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE))
                        .toList();
        return new Coordination(
                rotation, odd, even, pinned, order, zone, fallback, offlineAfter, takeoverDelay, dispatch, patterns);
    }

    private Optional<String> twinName(ConfigSection s, String key, List<String> names) {
        return s.string(key).flatMap(text -> checkTwinName(s, text, s.locationOf(key), s.childPath(key), names));
    }

    private static Optional<String> checkTwinName(
            ConfigSection s, String text, Location location, String keyPath, List<String> names) {
        if (names.contains(text)) {
            return Optional.of(text);
        }
        if (!names.isEmpty()) {
            String hint = KeySuggester.closest(text, names)
                    .map(n -> "; did you mean '" + n + "'?")
                    .orElse("");
            s.error(location, keyPath, "'" + text + "' is not a twin (twins: " + String.join(", ", names) + hint + ")");
        }
        return Optional.empty();
    }

    /** The takeover order: the listed twins first, then the rest in the order they are written. */
    private List<String> order(ConfigSection s, List<String> names) {
        List<String> listed =
                s.list("order", (text, location, itemPath) -> checkTwinName(s, text, location, itemPath, names));
        Set<String> order = new LinkedHashSet<>();
        for (String name : listed) {
            if (!order.add(name)) {
                s.error("order", "'" + name + "' is listed twice");
            }
        }
        order.addAll(names);
        return List.copyOf(order);
    }

    private static Optional<ZoneId> zone(ConfigSection s, String text) {
        try {
            return Optional.of(ZoneId.of(text.strip()));
        } catch (DateTimeException e) {
            s.error(
                    "timezone",
                    "'" + text + "' is not a time zone (allowed: a region such as Europe/London,"
                            + " America/New_York, or UTC)");
            return Optional.empty();
        }
    }

    private static Optional<Pattern> regex(ConfigSection s, String text, Location location, String itemPath) {
        try {
            return Optional.of(Pattern.compile(text, Pattern.CASE_INSENSITIVE));
        } catch (PatternSyntaxException e) {
            s.error(
                    location,
                    itemPath,
                    "'" + text + "' is not a valid regular expression (" + e.getDescription() + " near index "
                            + e.getIndex() + ")");
            return Optional.empty();
        }
    }

    private TakeoverDispatch dispatch(ConfigSection s) {
        String type = s.choice("type", Map.of("openclaw", "openclaw", "webhook", "webhook"))
                .orElse("openclaw");
        if (type.equals("webhook")) {
            Optional<URI> url = s.require("url") ? s.url("url") : Optional.empty();
            if (s.has("hooks_token")) {
                s.error("hooks_token", "only used with type: openclaw");
            }
            return new TakeoverDispatch.Webhook(
                    url.orElse(URI.create("http://127.0.0.1/")), s.secret("token", inlineSecretKeys));
        }
        if (s.has("token")) {
            s.error("token", "only used with type: webhook (the gateway's hooks token is 'hooks_token')");
        }
        return new TakeoverDispatch.OpenClaw(s.url("url"), s.secret("hooks_token", inlineSecretKeys));
    }

    // ---- monitoring ---------------------------------------------------------------------------

    private Monitoring monitoring(ConfigSection s) {
        Duration healthCheck =
                s.duration("health_check_interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
        Duration heartbeat =
                s.duration("heartbeat_interval", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
        Map<String, AlertChannel> channelNames =
                ConfigSection.byConfigName(AlertChannel.values(), AlertChannel::configName);
        List<AlertChannel> channels = s.list("alert_channels", (text, location, itemPath) -> {
            AlertChannel c = channelNames.get(text.strip().toLowerCase(Locale.ROOT));
            if (c == null) {
                s.error(
                        location,
                        itemPath,
                        "'" + text + "' is not an alert channel (allowed: " + String.join(", ", channelNames.keySet())
                                + ")");
            }
            return Optional.ofNullable(c);
        });
        Optional<Discord> discord = s.section("discord", List.of("webhook_url"))
                .flatMap(d -> requiredUrlSecret(d, "webhook_url").map(Discord::new));
        Optional<TwinsConfig.Telegram> telegram = s.section("telegram", List.of("bot_token", "chat_id"))
                .flatMap(t -> {
                    Optional<Secret> token = required(t, "bot_token").filter(tok -> isBotToken(t, tok));
                    Optional<String> chat = t.requiredString("chat_id");
                    return token.flatMap(tok -> chat.map(c -> new Telegram(tok, c)));
                });
        Optional<Slack> slack = s.section("slack", List.of("webhook_url"))
                .flatMap(d -> requiredUrlSecret(d, "webhook_url").map(Slack::new));
        Optional<Ntfy> ntfy = s.section("ntfy", List.of("url", "token"))
                .flatMap(n -> requiredUrlSecret(n, "url").map(u -> new Ntfy(u, n.secret("token", inlineSecretKeys))));
        Optional<Webhook> webhook = s.section("webhook", List.of("url", "token"))
                .flatMap(w ->
                        requiredUrlSecret(w, "url").map(u -> new Webhook(u, w.secret("token", inlineSecretKeys))));
        Optional<Email> email = s.section("email", EMAIL_KEYS).flatMap(this::email);
        Optional<Secret> deadman = s.has("deadman_url") ? urlSecret(s, "deadman_url") : Optional.empty();

        Map<AlertChannel, Boolean> configured = Map.of(
                AlertChannel.DISCORD, discord.isPresent(),
                AlertChannel.TELEGRAM, telegram.isPresent(),
                AlertChannel.SLACK, slack.isPresent(),
                AlertChannel.NTFY, ntfy.isPresent(),
                AlertChannel.WEBHOOK, webhook.isPresent(),
                AlertChannel.EMAIL, email.isPresent());
        for (AlertChannel c : channels) {
            if (!configured.get(c) && !s.has(c.configName())) {
                // The seed's example lists discord without settings: it must still load.
                warnings.add(new ConfigProblem(
                        context.file(),
                        s.locationOf("alert_channels"),
                        s.childPath("alert_channels"),
                        "'" + c.configName() + "' has no settings under monitoring." + c.configName()
                                + " (alerts to it are skipped)"));
            }
        }
        return new Monitoring(
                healthCheck, heartbeat, channels, discord, telegram, slack, ntfy, webhook, email, deadman);
    }

    private Optional<Secret> required(ConfigSection s, String key) {
        return s.require(key) ? s.secret(key, inlineSecretKeys) : Optional.empty();
    }

    /** A URL that may hold a token (webhook, ntfy topic): validated as a URL, kept as a secret. */
    private Optional<Secret> requiredUrlSecret(ConfigSection s, String key) {
        return s.require(key) ? urlSecret(s, key) : Optional.empty();
    }

    private Optional<Secret> urlSecret(ConfigSection s, String key) {
        return s.secret(key, inlineSecretKeys)
                .filter(secret -> s.parseUrl(secret.value(), s.locationOf(key), s.childPath(key), false)
                        .isPresent());
    }

    /** A Telegram bot token goes into the API's URL path: {@code <digits>:<letters, digits, _ and ->}. */
    private static boolean isBotToken(ConfigSection s, Secret token) {
        if (BOT_TOKEN.matcher(token.value()).matches()) {
            return true;
        }
        s.error("bot_token", "is not a Telegram bot token (expected 123456:ABC-def..., the value is not shown)");
        return false;
    }

    private Optional<Email> email(ConfigSection s) {
        Optional<String> host = s.requiredString("smtp_host");
        Map<String, EmailSecurity> securities =
                ConfigSection.byConfigName(EmailSecurity.values(), e -> e.name().toLowerCase(Locale.ROOT));
        int port = s.integer("smtp_port", 587, 1, 65535);
        EmailSecurity security = s.choice("security", securities)
                .orElse(port == 465 ? EmailSecurity.TLS : port == 25 ? EmailSecurity.NONE : EmailSecurity.STARTTLS);
        Optional<String> from = s.requiredString("from");
        List<String> to = s.isList("to")
                ? s.strings("to")
                : s.requiredString("to").map(List::of).orElse(List.of());
        Optional<String> username = s.string("username");
        Optional<Secret> password = s.secret("password", inlineSecretKeys);
        if (host.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Email(host.get(), port, security, from.get(), to, username, password));
    }

    // ---- rescue and daemon --------------------------------------------------------------------

    private Rescue rescue(ConfigSection s) {
        return new Rescue(
                s.bool("auto", true),
                command(s, "restart_command", "openclaw gateway restart"),
                command(s, "status_command", "openclaw gateway status"),
                command(s, "logs_command", "openclaw logs --limit 50 --plain"),
                command(s, "reboot_command", "sudo -n shutdown -r now"),
                s.integer("max_attempts", 5, 1, 1000),
                s.bool("allow_reboot", false),
                s.seconds("ready_timeout_seconds", Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(1)));
    }

    /** An argument vector: a YAML list as written, or a string split on whitespace (no shell syntax). */
    private static List<String> command(ConfigSection s, String key, String defaultValue) {
        if (s.isList(key)) {
            List<String> argv = s.strings(key);
            if (argv.isEmpty()) {
                s.error(key, "an empty command (write the program and its arguments)");
            }
            return argv;
        }
        // A plain string is split on whitespace; write a list for arguments that contain spaces.
        String text = s.string(key, defaultValue).strip();
        if (text.isEmpty()) {
            s.error(key, "an empty command (write the program and its arguments)");
            return List.of();
        }
        return Arrays.stream(text.split("\\s+")).toList();
    }

    private Backup backup(ConfigSection s) {
        String archive = s.string("openclaw_archive", "config").strip().toLowerCase(Locale.ROOT);
        TwinsConfig.Archive kind = Arrays.stream(TwinsConfig.Archive.values())
                .filter(a -> a.configName().equals(archive))
                .findFirst()
                .orElseGet(() -> {
                    s.error("openclaw_archive", "'" + archive + "' is not one of off, config, state");
                    return TwinsConfig.Archive.OFF;
                });
        return new Backup(
                s.integer("keep", 10, 1, 10_000),
                s.duration("max_age", Duration.ofDays(30), Duration.ofHours(1), Duration.ofDays(3650)),
                kind,
                command(s, "openclaw_command", "openclaw"));
    }

    private Sync sync(ConfigSection s) {
        List<SyncFolder> folders = new ArrayList<>();
        Set<String> sharedNames = new java.util.HashSet<>();
        for (ConfigSection f : s.sections("folders", SYNC_FOLDER_KEYS)) {
            Optional<String> path = f.requiredString("path").map(p -> p.strip().replaceAll("/+$", ""));
            if (path.isEmpty()) {
                continue;
            }
            List<String> segments = List.of(path.get().split("/"));
            if (path.get().isEmpty()
                    || path.get().startsWith("/")
                    || path.get().startsWith("~")
                    || segments.contains("..")
                    || segments.contains(".")) {
                f.error("path", "'" + path.get() + "' must be a relative path inside openclaw_path, without '..'");
                continue;
            }
            for (String segment : segments) {
                if (SyncFolder.PER_TWIN_NAMES.contains(segment.toLowerCase(Locale.ROOT))) {
                    f.error(
                            "path",
                            "'" + path.get() + "' holds " + segment
                                    + ", which stays per twin (sessions, memory and credentials are never synced)");
                }
            }
            String shared = f.string("shared", path.get().replace('/', '-')).strip();
            if (!shared.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,100}")) {
                f.error("shared", "'" + shared + "' is not a folder name (letters, digits, '.', '_', '-')");
            } else if (!sharedNames.add(shared)) {
                f.error("shared", "'" + shared + "' is used by another folder");
            }
            List<String> include = f.strings("include");
            for (String glob : include) {
                String lower = glob.toLowerCase(Locale.ROOT);
                boolean perTwin = SyncFolder.PER_TWIN_NAMES.stream()
                                .anyMatch(n -> lower.startsWith(n + "/") || lower.contains("/" + n + "/"))
                        || lower.endsWith(".env")
                        || lower.endsWith("secrets.json")
                        || lower.contains(".sqlite");
                if (perTwin) {
                    f.error(
                            "include",
                            "'" + glob + "' would sync what stays per twin (sessions, memory, credentials, "
                                    + ".env, secrets.json, SQLite databases)");
                }
            }
            folders.add(new SyncFolder(path.get(), shared, include, f.strings("exclude")));
        }
        return new Sync(
                s.durationOrOff("interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1)),
                s.bytes("max_file_size", 10L * 1024 * 1024, 1024L * 1024 * 1024),
                folders);
    }

    private Daemon daemon(ConfigSection s) {
        int port = s.integer("port", DEFAULT_DAEMON_PORT, 1, 65535);
        String bind = s.string("bind", "127.0.0.1").strip();
        Optional<Secret> token = s.secret("token", inlineSecretKeys);
        if (!isLoopback(bind) && token.isEmpty() && !s.has("token")) {
            s.error(
                    "bind",
                    "'" + bind + "' is not a loopback address, so daemon.token is required"
                            + " (set daemon.token, or bind 127.0.0.1)");
        }
        return new Daemon(port, bind, token);
    }

    /** Decided from the text alone: no DNS lookups while validating. */
    static boolean isLoopback(String bind) {
        if (bind.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bind.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
