package dev.openclaw.twin.daemon;

import dev.openclaw.twin.health.GatewayEvidence;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The daemon's POST routes (DESIGN §6): the plugin's calls, a peer's {@code /v1/promise},
 * {@code /v1/override} and, on a cloud folder, the arbiter's claims.
 *
 * @param peers the other twins' names: who may ask for a promise
 * @param reachesStore whether this twin reaches the store now (a promise depends on it)
 */
record DaemonRoutes(
        ProtocolApi protocol,
        OverrideApi overrides,
        Optional<ArbiterApi> arbiter,
        GatewayEvidence gatewayEvidence,
        Set<String> peers,
        BooleanSupplier reachesStore) {

    DaemonRoutes {
        peers = Set.copyOf(peers);
    }

    Map<String, DaemonHttpServer.PostHandler> posts() {
        Map<String, DaemonHttpServer.PostHandler> posts = new HashMap<>(Map.of(
                "/v1/override", overrides::override,
                "/v1/decide", pluginCall(protocol::decide),
                "/v1/confirm", pluginCall(protocol::confirm),
                "/v1/duty", pluginCall(protocol::duty),
                "/v1/promise", body -> protocol.promise(body, peers, reachesStore.getAsBoolean())));
        arbiter.ifPresent(claims -> {
            posts.put("/v1/claims/create", claims::create);
            posts.put("/v1/claims/read", claims::read);
            posts.put("/v1/claims/end", claims::end);
            posts.put("/v1/claims/time", claims::time);
            posts.put("/v1/claims/read-many", claims::readMany);
        });
        return posts;
    }

    /** A route the gateway's plugin calls: each call is evidence that the gateway is up. */
    private DaemonHttpServer.PostHandler pluginCall(DaemonHttpServer.PostHandler route) {
        return body -> {
            gatewayEvidence.pluginCalled();
            return route.handle(body);
        };
    }
}
