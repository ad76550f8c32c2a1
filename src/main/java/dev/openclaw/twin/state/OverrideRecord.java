package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.Overrides;
import java.time.Instant;
import java.util.Optional;

/** {@code twin/overrides.json}: {@code {both, only, primary, until, by, at}}. */
public record OverrideRecord(boolean both, String only, String primary, Instant until, String by, Instant at) {

    public static OverrideRecord of(Overrides o) {
        return new OverrideRecord(
                o.both(),
                o.only().orElse(null),
                o.primary().orElse(null),
                o.until().orElse(null),
                // Free text from a person or a request: kept printable and short, as readers expect.
                o.by().map(ShareText::printable).orElse(null),
                o.at().orElse(null));
    }

    public Overrides toOverrides() {
        return new Overrides(
                both,
                Optional.ofNullable(only),
                Optional.ofNullable(primary),
                Optional.ofNullable(until),
                Optional.ofNullable(by),
                Optional.ofNullable(at));
    }
}
