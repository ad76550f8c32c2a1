package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;

/** twins.yaml loaded (a config that does not load never gets this far: exit 78); warnings are ⚠. */
public final class ConfigCheck implements Check {

    private final TwinsConfig config;
    private final String twin;

    public ConfigCheck(TwinsConfig config, String twin) {
        this.config = config;
        this.twin = twin;
    }

    @Override
    public String name() {
        return "config";
    }

    @Override
    public CheckResult run() {
        String detail = config.source() + ": valid, " + config.twins().size() + " twins ("
                + String.join(", ", config.twinNames()) + "), this host is " + twin;
        if (!config.warnings().isEmpty()) {
            return CheckResult.warning(
                    name(),
                    detail + "; " + config.warnings().size() + " warning(s), first: "
                            + config.warnings().getFirst(),
                    "twin validate --config " + config.source() + " lists them");
        }
        return CheckResult.ok(name(), detail);
    }
}
