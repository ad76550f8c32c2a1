package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.gateway.GatewayWiring;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Where the hooks token comes from and whether twins.yaml must change to refer to it, decided
 * before anything changes.
 *
 * @param usesFile twins.yaml refers (or will refer) to {@code file}
 * @param writeFile {@code file} must be (re)written with {@code token}
 * @param yamlValue the hooks_token value twins.yaml must get, if it must change
 * @param yamlBefore the hooks_token text twins.yaml has now ({@code null}: none)
 */
record HooksTokenPlan(
        String token,
        HooksTokenFile file,
        boolean usesFile,
        boolean writeFile,
        Optional<String> yamlValue,
        String yamlBefore) {

    static HooksTokenPlan decide(
            GatewayWiring wiring,
            TwinsConfig config,
            TwinsYaml twinsYaml,
            HooksTokenFile defaultFile,
            SecureRandom random,
            boolean force,
            StepLog log) {
        String yaml = twinsYaml.read();
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(yaml);
        TakeoverDispatchEdit.Current current = edit.current();
        HooksTokenFile file = defaultFile;
        Optional<String> gatewayToken = wiring.hooksToken();
        if (!current.type().equals("openclaw")) {
            String token = gatewayToken.orElseGet(() -> HooksTokenFile.generate(random));
            log.add(
                    "twins.yaml",
                    Status.WARN,
                    "coordination.takeover_dispatch is type " + current.type()
                            + ": takeovers do not run on the gateway's hooks; left as it is");
            return new HooksTokenPlan(token, file, false, false, Optional.empty(), null);
        }
        Optional<String> raw = current.hooksToken().filter(t -> !t.isBlank());
        if (raw.isPresent() && raw.get().startsWith("file:")) {
            String reference = raw.get().substring("file:".length()).strip();
            file = new HooksTokenFile(twinsYaml.resolve(reference), reference);
        } else if (raw.isPresent()) {
            Optional<String> configured = TwinsYaml.hooksTokenOf(config);
            if (configured.isPresent() && configured.equals(gatewayToken)) {
                log.add(
                        "twins.yaml",
                        Status.OK,
                        "coordination.takeover_dispatch.hooks_token (" + TwinsYaml.shown(raw.get())
                                + ") is the gateway's hooks token");
                return new HooksTokenPlan(configured.get(), file, false, false, Optional.empty(), null);
            }
            if (!force) {
                log.fail(
                        "twins.yaml",
                        config.source() + ": coordination.takeover_dispatch.hooks_token is "
                                + TwinsYaml.shown(raw.get())
                                + (gatewayToken.isPresent()
                                        ? ", not the gateway's hooks.token"
                                        : " and the gateway has no hooks.token")
                                + "; connect would set it to \"file:" + HooksTokenFile.DEFAULT_REFERENCE
                                + "\" (the token kept there, 0600). Pass --force to do so.");
            }
        }
        Optional<String> fileToken = log.io(file::read, "hooks token file");
        String token = gatewayToken.or(() -> fileToken).orElseGet(() -> HooksTokenFile.generate(random));
        boolean writeFile = !fileToken.equals(Optional.of(token));
        String wanted = "file:" + file.reference();
        boolean yamlChange = raw.isEmpty() || !raw.get().startsWith("file:");
        if (yamlChange) {
            Optional<String> unsupported = edit.unsupported();
            if (unsupported.isPresent()) {
                log.fail(
                        "twins.yaml",
                        config.source() + ": cannot edit it safely (" + unsupported.get()
                                + "); set coordination.takeover_dispatch.hooks_token: \"" + wanted + "\" by hand");
            }
        }
        return new HooksTokenPlan(
                token, file, true, writeFile, yamlChange ? Optional.of(wanted) : Optional.empty(), raw.orElse(null));
    }
}
