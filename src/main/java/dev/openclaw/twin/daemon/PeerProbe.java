package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.HealthzBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each peer's daemon directly ({@code GET daemon_url/healthz}): the second channel beside the
 * heartbeat files, because a NAS may serve a stale copy of a file for up to a minute. A peer only
 * counts as answering if it says it is that peer, so a daemon_url pointing at the wrong twin is
 * reported instead of vouching for a dead one. Requests are asynchronous: one slow peer holds up
 * nothing.
 */
final class PeerProbe {

    private static final Logger LOG = LoggerFactory.getLogger(PeerProbe.class);

    private final HttpClient http;
    private final Map<String, URI> healthz;
    private final java.util.Set<String> twins;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final BiConsumer<String, Boolean> onAnswer;
    private final PeerReport onReport;
    private final ArbiterReport onArbiter;
    private final java.util.function.Consumer<String> onRefused;
    private final java.util.function.LongSupplier nanoTime;
    private final Map<String, String> lastProblem = new ConcurrentHashMap<>();

    /** What a peer that answered as itself said about the store and the claimant (empty: it did not say). */
    @FunctionalInterface
    interface PeerReport {
        void answered(String peer, Optional<Boolean> storeReachable, Optional<String> claimant);
    }

    /**
     * Whom a peer that answered as itself names as the arbiter of a cloud folder's claims (empty: it
     * did not say), and when the probe was sent (monotonic): an answer counts from when it was asked
     * for, so one that was under way while this daemon was paused is not taken for a fresh one.
     */
    @FunctionalInterface
    interface ArbiterReport {
        void answered(String peer, Optional<String> arbiter, long sentNanos, Optional<Duration> arbitratedAgo);

        ArbiterReport NONE = (peer, arbiter, sentNanos, arbitratedAgo) -> {};
    }

    /**
     * @param onAnswer called with each peer and whether it answered as itself
     * @param onReport called with what each peer that answered as itself said
     * @param onArbiter called with whom each peer that answered as itself names as the arbiter
     * @param onRefused called with each peer whose daemon refused the connection (nothing listens there)
     */
    PeerProbe(
            HttpClient http,
            TwinsConfig config,
            String self,
            Duration timeout,
            BiConsumer<String, Boolean> onAnswer,
            PeerReport onReport,
            ArbiterReport onArbiter,
            java.util.function.LongSupplier nanoTime,
            java.util.function.Consumer<String> onRefused) {
        this.onRefused = onRefused;
        this.http = http;
        this.onReport = onReport;
        this.onArbiter = onArbiter;
        this.nanoTime = nanoTime;
        this.timeout = timeout;
        this.onAnswer = onAnswer;
        this.authorization = config.daemon().token().map(Secret::value).map(t -> "Bearer " + t);
        this.healthz = new java.util.LinkedHashMap<>();
        this.twins = java.util.Set.copyOf(config.twinNames());
        config.twins().values().stream()
                .filter(t -> !t.name().equals(self))
                .forEach(t -> t.daemonUrl().ifPresent(url -> healthz.put(t.name(), url.resolve("/healthz"))));
    }

    boolean hasPeers() {
        return !healthz.isEmpty();
    }

    void probeAll() {
        healthz.forEach(this::probe);
    }

    private void probe(String peer, URI uri) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(timeout).GET();
        authorization.ifPresent(value -> request.header("Authorization", value));
        long sentNanos = nanoTime.getAsLong();
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            Optional<HealthzBody> body = failure == null && response.statusCode() == 200
                    ? HealthzBody.parse(response.body())
                    : Optional.empty();
            String problem;
            if (failure != null) {
                problem = "unreachable (" + rootCause(failure).getClass().getSimpleName() + ")";
            } else if (response.statusCode() != 200) {
                problem = "answered HTTP " + response.statusCode();
            } else if (body.isEmpty()) {
                problem = "answered something other than a twin daemon's /healthz";
            } else if (!body.get().twin().equals(peer)) {
                problem = "answered as twin '" + body.get().twin() + "': check its daemon_url";
            } else {
                problem = null;
            }
            record(peer, uri, problem);
            if (failure != null && refused(failure)) {
                onRefused.accept(peer);
            }
            if (problem == null) {
                report(peer, body.get());
                onArbiter.answered(
                        peer,
                        body.get().arbiter().filter(twins::contains),
                        sentNanos,
                        body.get().arbitratedAgo());
            }
        });
    }

    private void record(String peer, URI uri, String problem) {
        onAnswer.accept(peer, problem == null);
        String previous = problem == null ? lastProblem.remove(peer) : lastProblem.put(peer, problem);
        if (problem != null && !problem.equals(previous)) {
            LOG.info("direct probe of {} at {}: {}", peer, uri, problem);
        } else if (problem == null && previous != null) {
            LOG.info("direct probe of {} at {}: answering again", peer, uri);
        }
    }

    /**
     * The fields a peer adds to {@code /healthz}: {@code store} ({@code ok} or {@code unreachable})
     * and {@code claimant} (a twin of this flock). Anything else, or a field missing (an older
     * version), says nothing.
     */
    private void report(String peer, HealthzBody body) {
        onReport.answered(peer, body.storeReachable(), body.claimant().filter(twins::contains));
    }

    /**
     * Whether the connection was refused (nothing listens at the peer's address) rather than timed
     * out or cut: the JDK reports a connect timeout as an HttpConnectTimeoutException caused by a
     * ConnectException, a refusal as a ConnectException alone.
     */
    static boolean refused(Throwable failure) {
        boolean connect = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.http.HttpTimeoutException) {
                return false;
            }
            connect |= t instanceof java.net.ConnectException;
        }
        return connect;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
