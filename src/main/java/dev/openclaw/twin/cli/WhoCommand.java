package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.Rotation;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "who",
        header = "Show the primary and secondary twin of a day.",
        description = "Show the primary and secondary twin of a day. Days are calendar days in "
                + "coordination.timezone. Under 'rotation: daily' odd days of the month go to odd_primary "
                + "and even days to even_primary (so the 31st and the 1st share a primary).")
public final class WhoCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The day to show. Default: today.")
    LocalDate date;

    public WhoCommand(CliContext context) {
        this.context = context;
    }

    record WhoReport(
            int schemaVersion,
            String date,
            String primary,
            String secondary,
            List<String> order,
            String rule,
            String parity,
            String timezone) {}

    @Override
    public Integer call() {
        TwinsConfig loaded = config.load(context);
        Rotation rotation = new Rotation(loaded.coordination());
        LocalDate today = rotation.today(context.clock());
        LocalDate day = date == null ? today : date;
        DayRoles roles = rotation.rolesOn(day, Overrides.NONE);
        if (json.enabled()) {
            JsonOutput.print(
                    context.out(),
                    new WhoReport(
                            JsonOutput.SCHEMA_VERSION,
                            day.toString(),
                            roles.primary(),
                            roles.secondary(),
                            roles.order(),
                            roles.rule(),
                            roles.parity().orElse(null),
                            loaded.coordination().timezone().getId()));
            return ExitCodes.OK;
        }
        String when = day.equals(today) ? "today" : "on " + day;
        context.out().println("Primary " + when + ": " + roles.primary() + " (" + roles.explanation() + ")");
        context.out().println("Secondary: " + roles.secondary());
        if (roles.order().size() > 2) {
            context.out().println("Takeover order: " + String.join(" → ", roles.order()));
        }
        return ExitCodes.OK;
    }
}
