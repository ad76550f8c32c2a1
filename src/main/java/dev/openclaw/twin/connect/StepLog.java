package dev.openclaw.twin.connect;

import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.connect.ConnectReport.Step;
import dev.openclaw.twin.gateway.OpenClawCli;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The steps of one {@code twin connect} run as they happen; a failed step ends the run ({@link
 * Stop}). In a dry run, {@code openclaw} commands are shown, not run.
 */
final class StepLog {

    private static final JsonMapper JSON = new JsonMapper();

    private final boolean dryRun;
    private final List<Step> steps = new ArrayList<>();

    StepLog(boolean dryRun) {
        this.dryRun = dryRun;
    }

    boolean dryRun() {
        return dryRun;
    }

    /** Runs one {@code openclaw} command as a step (or shows it, in a dry run); a failure stops. */
    void run(OpenClawCli cli, String name, String done, List<String> args, Optional<ObjectNode> stdin) {
        List<String> argv = cli.argv(args);
        String shownInput = stdin.map(PatchDisplay::redacted).orElse(null);
        if (dryRun) {
            steps.add(new Step(name, Status.WOULD, "would run", argv, shownInput));
            return;
        }
        OpenClawCli.Result result = cli.run(args, stdin.map(JSON::writeValueAsString));
        if (!result.ok()) {
            steps.add(new Step(
                    name,
                    Status.FAILED,
                    "failed (exit " + result.exitCode() + "): " + result.lastLine(),
                    argv,
                    shownInput));
            throw new Stop();
        }
        steps.add(new Step(name, Status.CHANGED, done, argv, shownInput));
    }

    int changes() {
        return (int) steps.stream()
                .filter(s -> s.status() == Status.CHANGED
                        || s.status() == Status.WOULD
                                && !s.name().equals("verify")
                                && !s.name().equals("apply"))
                .count();
    }

    ConnectReport report(String twin, String mode) {
        boolean ok = steps.stream().noneMatch(s -> s.status() == Status.FAILED);
        return new ConnectReport(1, twin, mode, dryRun, ok, changes(), steps);
    }

    void add(String name, Status status, String detail) {
        steps.add(Step.of(name, status, detail));
    }

    void fail(String name, String detail) {
        add(name, Status.FAILED, detail);
        throw new Stop();
    }

    interface IoAction<T> {
        T run() throws IOException;
    }

    <T> T io(IoAction<T> action, String step) {
        try {
            return action.run();
        } catch (IOException e) {
            fail(step, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return null;
        }
    }

    /** Ends the run after a failed step (already recorded). */
    static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }
}
