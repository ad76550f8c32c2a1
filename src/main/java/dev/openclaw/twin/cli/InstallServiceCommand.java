package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.service.ServiceUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "install-service",
        header = "Run 'twin daemon' at login and restart it if it dies (systemd user unit or launchd agent).",
        description = {
            "Linux: writes ~/.config/systemd/user/openclaw-twin.service and runs",
            "  systemctl --user daemon-reload; systemctl --user enable --now openclaw-twin.service",
            "  (for it to run while you are logged out: loginctl enable-linger $USER).",
            "macOS: writes ~/Library/LaunchAgents/dev.openclaw.twin.plist and loads it with launchctl.",
            "The unit runs this installation's launcher with the config found now (absolute paths).",
            "--dry-run prints the unit and the commands instead."
        })
public final class InstallServiceCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Option(names = "--dry-run", description = "Print the unit and the commands; change nothing.")
    boolean dryRun;

    @Option(
            names = "--twin",
            paramLabel = "NAME",
            description = "The twin this host is, if its host name does not say.")
    String twin;

    @Option(
            names = "--os",
            paramLabel = "linux|macos",
            description = "Which service manager to write for. Default: this machine's.")
    String os;

    public InstallServiceCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        TwinsConfig loaded = config.load(context);
        if (twin != null) {
            ConfigOption.requireTwin(loaded, twin);
        }
        Path configFile = loaded.source().toAbsolutePath();
        Path launcher = launcher();
        Path home = context.environment().home();
        String system = os != null ? os.toLowerCase(Locale.ROOT) : thisOs();
        ServiceUnit unit = switch (system) {
            case "linux" -> ServiceUnit.systemd(home, launcher, configFile, twin);
            case "macos" -> ServiceUnit.launchd(home, launcher, configFile, twin, uid());
            default -> throw new TwinException(ExitCodes.USAGE, "install-service: --os is linux or macos, not " + os);
        };
        if (dryRun) {
            context.out().println("# " + unit.file());
            context.out().print(unit.text());
            context.out().println();
            for (ServiceUnit.Step step : unit.activate()) {
                context.out().println("$ " + String.join(" ", step.argv()));
            }
            return ExitCodes.OK;
        }
        Files.createDirectories(unit.file().getParent());
        Files.writeString(unit.file(), unit.text());
        context.out().println("Wrote " + unit.file());
        for (ServiceUnit.Step step : unit.activate()) {
            Process process =
                    new ProcessBuilder(step.argv()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            boolean done = process.waitFor(30, TimeUnit.SECONDS);
            if ((!done || process.exitValue() != 0) && !step.mayFail()) {
                throw new TwinException(
                        ExitCodes.FAILED,
                        "install-service: '" + String.join(" ", step.argv()) + "' failed"
                                + (output.isEmpty() ? "" : ": " + output) + " (the unit is written; run it by hand)");
            }
            context.out().println("$ " + String.join(" ", step.argv()));
        }
        context.out().println("The daemon runs now and at every login ('twin status' shows it).");
        return ExitCodes.OK;
    }

    /** This installation's launcher: bin/twin in a distribution, ./twin in a checkout. */
    private static Path launcher() {
        Path home =
                Path.of(System.getProperty("twin.home", ".")).toAbsolutePath().normalize();
        Path bin = home.resolve("bin/twin");
        return Files.isExecutable(bin) ? bin : home.resolve("twin");
    }

    private static String thisOs() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("mac") ? "macos" : "linux";
    }

    private static int uid() {
        try {
            Object uid = Files.getAttribute(Path.of(System.getProperty("user.home")), "unix:uid");
            return ((Number) uid).intValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 501; // the first user on a Mac
        }
    }
}
