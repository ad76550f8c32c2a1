package dev.openclaw.twin.doctor;

import dev.openclaw.twin.gateway.OpenClawCli;
import java.util.List;

/** The {@code openclaw} CLI on this host: there, and which version ({@code openclaw --version}). */
public final class OpenClawVersionCheck implements Check {

    private final OpenClawCli openclaw;

    public OpenClawVersionCheck(OpenClawCli openclaw) {
        this.openclaw = openclaw;
    }

    @Override
    public String name() {
        return "openclaw";
    }

    @Override
    public CheckResult run() throws InterruptedException {
        OpenClawCli.Result run = openclaw.run(List.of("--version"));
        if (!run.started()) {
            return CheckResult.warning(
                    name(),
                    "cannot run '" + openclaw.describe() + "': "
                            + run.notStarted().orElseThrow(),
                    "put openclaw on PATH, or set backup.openclaw_command in twins.yaml to how it runs here");
        }
        String output = run.stdout().strip();
        if (!run.ok() || output.isEmpty()) {
            return CheckResult.warning(
                    name(),
                    "'" + openclaw.describe() + " --version' failed (exit " + run.exitCode() + "): "
                            + firstLine(run.stderr() + run.stdout()),
                    "run it by hand to see why");
        }
        return CheckResult.ok(name(), firstLine(output) + " ('" + openclaw.describe() + "' on this host)");
    }

    static String firstLine(String text) {
        String stripped = text.strip();
        int newline = stripped.indexOf('\n');
        String line = newline < 0 ? stripped : stripped.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
