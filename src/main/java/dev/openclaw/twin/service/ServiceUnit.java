package dev.openclaw.twin.service;

import java.nio.file.Path;
import java.util.List;

/**
 * A user service that runs {@code twin daemon} at login and restarts it when it dies: a systemd
 * user unit on Linux, a launchd agent on macOS.
 *
 * @param file where the unit is written
 * @param text its content
 * @param activate the commands that load and start it
 */
public record ServiceUnit(Path file, String text, List<Step> activate) {

    /** One command, as an argument vector; {@code mayFail}: its failure is expected and harmless. */
    public record Step(List<String> argv, boolean mayFail) {
        static Step of(String... argv) {
            return new Step(List.of(argv), false);
        }
    }

    public static final String SYSTEMD_NAME = "openclaw-twin.service";
    public static final String LAUNCHD_LABEL = "dev.openclaw.twin";

    /**
     * @param launcher the {@code twin} launcher, absolute
     * @param config the twins.yaml the daemon reads, absolute
     * @param twin the twin this host is, when given explicitly
     */
    public static ServiceUnit systemd(Path home, Path launcher, Path config, String twin) {
        String text = """
                # openclaw-twin daemon for this user, written by 'twin install-service'.
                [Unit]
                Description=openclaw-twin daemon (coordinates this OpenClaw twin with its flock)
                After=network-online.target
                Wants=network-online.target

                [Service]
                Type=simple
                ExecStart=%s
                Restart=always
                RestartSec=5
                # SIGTERM leaves a 'stopped' heartbeat so the other twins know at once.
                KillSignal=SIGTERM
                TimeoutStopSec=15

                [Install]
                WantedBy=default.target
                """.formatted(execLine(launcher, config, twin));
        return new ServiceUnit(
                home.resolve(".config/systemd/user").resolve(SYSTEMD_NAME),
                text,
                List.of(
                        Step.of("systemctl", "--user", "daemon-reload"),
                        Step.of("systemctl", "--user", "enable", "--now", SYSTEMD_NAME)));
    }

    public static ServiceUnit launchd(Path home, Path launcher, Path config, String twin, int uid) {
        StringBuilder args = new StringBuilder();
        for (String arg : arguments(launcher, config, twin)) {
            args.append("    <string>").append(xml(arg)).append("</string>\n");
        }
        Path logs = home.resolve("Library/Logs/openclaw-twin");
        String text = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                %s  </array>
                  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <true/>
                  <key>ThrottleInterval</key>
                  <integer>5</integer>
                  <key>StandardOutPath</key>
                  <string>%s</string>
                  <key>StandardErrorPath</key>
                  <string>%s</string>
                </dict>
                </plist>
                """.formatted(
                        LAUNCHD_LABEL,
                        args,
                        xml(logs.resolve("daemon.log").toString()),
                        xml(logs.resolve("daemon.log").toString()));
        Path plist = home.resolve("Library/LaunchAgents").resolve(LAUNCHD_LABEL + ".plist");
        return new ServiceUnit(
                plist,
                text,
                List.of(
                        Step.of("mkdir", "-p", logs.toString()),
                        // Unloads an earlier version; fails when none is loaded, which is fine.
                        new Step(List.of("launchctl", "bootout", "gui/" + uid + "/" + LAUNCHD_LABEL), true),
                        Step.of("launchctl", "bootstrap", "gui/" + uid, plist.toString())));
    }

    private static List<String> arguments(Path launcher, Path config, String twin) {
        return twin == null
                ? List.of(launcher.toString(), "daemon", "--config", config.toString())
                : List.of(launcher.toString(), "daemon", "--config", config.toString(), "--twin", twin);
    }

    /** systemd's ExecStart: each argument quoted, so paths with spaces stay one argument. */
    private static String execLine(Path launcher, Path config, String twin) {
        StringBuilder line = new StringBuilder();
        for (String arg : arguments(launcher, config, twin)) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append('"')
                    .append(arg.replace("\\", "\\\\")
                            .replace("\"", "\\\"")
                            .replace("%", "%%")
                            .replace("$", "$$"))
                    .append('"');
        }
        return line.toString();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
