package dev.openclaw.twin.notify;

import dev.openclaw.twin.health.FlockStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What in the flock's state is worth telling a person, as conditions that start and end: a twin
 * offline, a gateway not ready, a failover to another twin, the store unreadable, a corrupt state
 * file, clock skew, a gateway_url that fails while its gateway calls. Each start fires an alert and each end resolves it (see {@link Alerter}).
 */
public final class FlockAlerts {

    /** How a twin's daemon words a gateway_url that fails while its gateway calls (GatewayEvidence). */
    private static final String GATEWAY_URL_PROBLEM = "gateway_url of ";

    private final Alerter alerter;
    /** The problem conditions firing now, with what to say when each goes away. */
    private final Map<String, String> problemResolutions = new HashMap<>();

    public FlockAlerts(Alerter alerter) {
        this.alerter = alerter;
    }

    /** Looks at the flock once; call it on every heartbeat. */
    public void observe(FlockStatus status) {
        if (!status.storeReadable()) {
            alerter.fire(
                    "store-unreadable",
                    Alert.Severity.CRITICAL,
                    "shared state store unreadable",
                    String.join("; ", status.problems())
                            + ". Twins answer from their last view; nothing can be claimed until it is back.");
            // While the store is gone every twin looks offline: judge nothing else.
            return;
        }
        alerter.resolve("store-unreadable", "shared state store readable again", "");
        for (FlockStatus.TwinStatus twin : status.twins()) {
            observeTwin(twin, status.actingPrimary());
        }
        String primary = status.primary();
        String acting = status.actingPrimary();
        if (acting != null && primary != null && !acting.equals(primary)) {
            alerter.fire(
                    "failover",
                    Alert.Severity.WARNING,
                    acting + " answers for " + primary,
                    primary + ", primary today, is down or its gateway is not ready; " + acting
                            + " took over the routine messages.");
        } else {
            alerter.resolve("failover", primary + " answers again as primary", "");
        }
        observeProblems(status.problems());
    }

    private void observeTwin(FlockStatus.TwinStatus twin, String acting) {
        String offline = "twin-offline:" + twin.name();
        if (twin.state().equals("offline")) {
            alerter.fire(
                    offline,
                    Alert.Severity.CRITICAL,
                    twin.name() + " is offline",
                    "no heartbeat for " + (twin.lastSeenSeconds() == null ? "a while" : twin.lastSeenSeconds() + " s")
                            + (acting == null ? "" : "; " + acting + " answers meanwhile") + ".");
        } else if (twin.state().equals("online") || twin.state().equals("stale")) {
            alerter.resolve(offline, twin.name() + " is back online", "");
        }
        String gateway = "gateway-down:" + twin.name();
        boolean daemonUp = twin.state().equals("online") || twin.state().equals("stale");
        if (daemonUp && (twin.gateway().equals("not-ready") || twin.gateway().equals("unreachable"))) {
            alerter.fire(
                    gateway,
                    Alert.Severity.WARNING,
                    twin.name() + "'s gateway is " + twin.gateway(),
                    "its daemon runs but the OpenClaw gateway beside it does not answer /readyz.");
        } else if (daemonUp && twin.gateway().equals("ready")) {
            alerter.resolve(gateway, twin.name() + "'s gateway is ready again", "");
        }
    }

    /** Corrupt files and clock skew, as {@code twin status} lists them: one condition per problem. */
    private void observeProblems(List<String> problems) {
        Map<String, String> now = new HashMap<>();
        for (String problem : problems) {
            if (problem.startsWith(GATEWAY_URL_PROBLEM)) {
                String twin = problem.substring(GATEWAY_URL_PROBLEM.length()).split(" ", 2)[0];
                String key = "gateway-url:" + twin;
                now.put(key, "gateway_url of " + twin + " answers again");
                alerter.fire(key, Alert.Severity.WARNING, "gateway_url of " + twin + " looks wrong", problem);
                continue;
            }
            boolean skew = problem.toLowerCase(Locale.ROOT).startsWith("clock skew");
            String key = skew ? "clock-skew:" + skewedTwin(problem) : "state-file:" + subject(problem);
            now.put(key, skew ? "clocks agree again" : subject(problem) + " is readable again");
            alerter.fire(
                    key,
                    Alert.Severity.WARNING,
                    skew ? "clock skew between twins" : "corrupt state file " + subject(problem),
                    problem);
        }
        problemResolutions.forEach((key, resolved) -> {
            if (!now.containsKey(key)) {
                alerter.resolve(key, resolved, "");
            }
        });
        problemResolutions.clear();
        problemResolutions.putAll(now);
    }

    /** {@code clock skew: case's clock is ...} is about {@code case}. */
    private static String skewedTwin(String problem) {
        String rest = problem.substring(problem.indexOf(':') + 1).strip();
        int possessive = rest.indexOf("'s ");
        return possessive > 0 ? rest.substring(0, possessive) : rest;
    }

    /** What a problem line is about: the file before the first colon. */
    private static String subject(String problem) {
        int colon = problem.indexOf(':');
        return colon > 0 ? problem.substring(0, colon).strip() : problem.strip();
    }
}
