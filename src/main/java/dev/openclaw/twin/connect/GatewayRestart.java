package dev.openclaw.twin.connect;

import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import java.util.List;
import java.util.Optional;

/**
 * The {@code apply} step of connect and undo for a gateway that does not load config changes by
 * itself ({@code gateway.reload.mode} off): restart it.
 */
final class GatewayRestart {

    private GatewayRestart() {}

    static boolean needed(GatewayWiring wiring) {
        return wiring.reloadMode().equals("off");
    }

    static void run(StepLog log, OpenClawCli cli) {
        log.run(
                cli,
                "apply",
                "restarted the gateway (gateway.reload.mode is off)",
                List.of("gateway", "restart"),
                Optional.empty());
    }
}
