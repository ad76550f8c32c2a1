package dev.openclaw.twin.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;

/** Asks a twin daemon's {@code GET /healthz} who it is, and reads the clock off its {@code Date} header. */
public final class TwinHealthz {

    /** What answered. */
    public sealed interface Answer {
        /**
         * A twin daemon said it is {@code twin}; {@code clockOffset}: its clock minus ours, if it sent a
         * Date, known to within {@code uncertainty} (half the round trip, plus the Date header's
         * whole seconds).
         */
        record Twin(String twin, Optional<Duration> clockOffset, Duration uncertainty) implements Answer {}

        /** Something answered, but not a twin daemon's healthz (or refused us). */
        record Other(int status, String what) implements Answer {}

        /** Nothing answered. */
        record Unreachable(String why) implements Answer {}
    }

    private final HttpClient http;
    private final Duration timeout;
    private final Supplier<Instant> now;

    public TwinHealthz(HttpClient http, Duration timeout, Supplier<Instant> now) {
        this.http = http;
        this.timeout = timeout;
        this.now = now;
    }

    public Answer ask(URI daemonUrl, Optional<String> token) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(daemonUrl.resolve("/healthz"))
                .timeout(timeout)
                .GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        Instant sent = now.get();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer.Unreachable(Failures.describe(e));
        }
        Instant received = now.get();
        if (response.statusCode() != 200) {
            return new Answer.Other(response.statusCode(), "HTTP " + response.statusCode());
        }
        Optional<String> twin = HealthzBody.parse(response.body()).map(HealthzBody::twin);
        if (twin.isEmpty()) {
            return new Answer.Other(200, "something other than a twin daemon (no \"twin\" in its /healthz)");
        }
        Instant midpoint = sent.plus(Duration.between(sent, received).dividedBy(2));
        Optional<Duration> offset = response.headers()
                .firstValue("Date")
                .flatMap(TwinHealthz::parseDate)
                // a Date header has whole seconds: its time is up to 1 s before the real one
                .map(date -> Duration.between(midpoint, date.plusMillis(500)));
        Duration uncertainty = Duration.between(sent, received).dividedBy(2).plusMillis(500);
        return new Answer.Twin(twin.get(), offset, uncertainty);
    }

    private static Optional<Instant> parseDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
