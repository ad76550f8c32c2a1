package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.OverrideChange;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.state.OverrideRecord;
import dev.openclaw.twin.state.OverrideUpdate;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/override}: {@code {"action","twin","until","by"}}, as {@code twin override}. */
final class OverrideApi {

    private static final Logger LOG = LoggerFactory.getLogger(OverrideApi.class);

    private final TwinsConfig config;
    private final String twin;
    private final StateStore store;
    private final Clock clock;

    OverrideApi(TwinsConfig config, String twin, StateStore store, Clock clock) {
        this.config = config;
        this.twin = twin;
        this.store = store;
        this.clock = clock;
    }

    Object override(RequestBody body) {
        String word = body.required("action");
        OverrideChange.Action action = OverrideChange.Action.fromWord(word)
                .orElseThrow(() ->
                        new RequestBody.BadRequest("action '" + word + "' is not one of both, only, primary, clear"));
        Instant now = clock.instant();
        Overrides wanted;
        try {
            wanted = new OverrideChange(action, body.optional("twin"), body.optional("until"))
                    .apply(config, now, body.optional("by").orElse("http@" + twin));
        } catch (OverrideChange.InvalidOverride e) {
            throw new RequestBody.BadRequest(e.getMessage());
        }
        try {
            OverrideUpdate update = OverrideUpdate.write(store, wanted, Optional.of(twin), now);
            update.warnings().forEach(w -> LOG.warn("override: {}", w));
            LOG.info("override set over HTTP: {}", OverrideChange.describe(wanted));
            return Map.of(
                    "schemaVersion", 1,
                    "overrides", OverrideRecord.of(wanted),
                    "replaced", OverrideChange.describe(update.previous()));
        } catch (StoreUnavailableException e) {
            throw new RequestBody.BadRequest(503, "override not written: " + e.getMessage());
        }
    }
}
