package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.StoreClockJudge;
import dev.openclaw.twin.state.ShareText;
import dev.openclaw.twin.state.StateStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        header = "Show the flock's health: exit 0 healthy, 3 degraded, 1 store unreadable.",
        description = "Show the flock's health from the shared store (no daemon needed): each twin online, "
                + "stale, offline, stopped or never-seen, its gateway, the primary of the day and the "
                + "acting primary, active overrides and problems found. Ages are measured on the store's "
                + "clock, so a twin with a wrong clock is still judged right. Exit 0 healthy, 3 degraded, 1"
                + " store unreadable.")
public final class StatusCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(names = "--watch", description = "Redraw every 2 seconds until interrupted.")
    boolean watch;

    public StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        TwinsConfig loaded = config.load(context);
        StateStore store = SharedStore.open(loaded);
        while (true) {
            FlockStatus status = read(loaded, store);
            if (watch && !json.enabled()) {
                context.out().print("\033[H\033[2J");
            }
            if (json.enabled()) {
                JsonOutput.print(context.out(), status);
            } else {
                print(loaded, status);
            }
            context.out().flush();
            if (!watch) {
                return !status.storeReadable()
                        ? ExitCodes.FAILED
                        : status.healthy() ? ExitCodes.OK : ExitCodes.DEGRADED;
            }
            Thread.sleep(2000); // --watch redraw period, not a wait for a condition
        }
    }

    private FlockStatus read(TwinsConfig loaded, StateStore store) {
        Instant now = context.clock().instant();
        FlockSnapshot snapshot = FlockSnapshot.read(store, loaded.twinNames());
        return FlockStatus.of(loaded, now, snapshot, new StoreClockJudge(snapshot, Liveness.of(loaded)));
    }

    private void print(TwinsConfig loaded, FlockStatus status) {
        int width = loaded.twinNames().stream().mapToInt(String::length).max().orElse(4);
        for (FlockStatus.TwinStatus t : status.twins()) {
            String mark = t.state().equals("online") ? "✓" : t.state().equals("stale") ? "~" : "✗";
            String seen = t.lastSeenSeconds() == null ? "never seen" : "last seen " + ago(t.lastSeenSeconds());
            // Version and host come from the share: shown without control characters.
            String build = t.version() == null ? "" : "  " + ShareText.printable(t.version());
            String host = t.host() == null ? "" : " on " + ShareText.printable(t.host());
            context.out()
                    .printf(
                            "%-" + width + "s  %s %-10s %-20s gateway %s%s%n",
                            t.name(),
                            mark,
                            t.state(),
                            seen,
                            t.gateway(),
                            build + host);
        }
        String why = DayRoles.explain(status.rule(), Optional.ofNullable(status.parity()));
        String acting = status.actingPrimary() == null
                ? " — no twin is up"
                : status.actingPrimary().equals(status.primary()) ? "" : " — acting primary: " + status.actingPrimary();
        context.out().println("Primary today: " + status.primary() + " (" + why + ")" + acting);
        FlockStatus.OverridesView o = status.overrides();
        if (o.both() || o.only() != null || o.primary() != null) {
            String what = o.both() ? "both respond" : o.only() != null ? "only " + o.only() : "primary " + o.primary();
            context.out()
                    .println(ShareText.printable(
                            "Override: " + what + (o.until() == null ? "" : " until " + o.until())
                                    + (o.by() == null ? "" : " (set by " + o.by() + ")"),
                            500));
        }
        status.problems().forEach(p -> context.out().println("Problem: " + ShareText.printable(p, 500)));
    }

    private static String ago(double seconds) {
        if (seconds < 90) {
            return Math.round(seconds) + " s ago";
        }
        if (seconds < 90 * 60) {
            return Math.round(seconds / 60) + " min ago";
        }
        return Math.round(seconds / 3600) + " h ago";
    }
}
