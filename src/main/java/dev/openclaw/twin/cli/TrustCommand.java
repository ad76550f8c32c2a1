package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.KnownHosts;
import dev.openclaw.twin.rescue.SshConnection;
import dev.openclaw.twin.rescue.SshException;
import dev.openclaw.twin.rescue.SshTarget;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "trust",
        header = "Show a twin host's SSH key fingerprint and, if you confirm, record it in known_hosts.",
        description = {
            "Rescue refuses a host whose key is not in the twin's ssh.known_hosts (default",
            "~/.ssh/known_hosts). This asks the host for its key (without logging in), prints its",
            "fingerprint and asks before recording it. Compare the fingerprint with the one the",
            "host itself shows (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) first.",
            "A changed key replaces the host's old entries; the previous file is kept as .old."
        })
public final class TrustCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "NAME", description = "The twin whose host key to trust.")
    String twin;

    @Option(names = "--yes", description = "Record the key without asking (only after checking it another way).")
    boolean yes;

    public TrustCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        TwinsConfig loaded = config.load(context);
        SshTarget target = SshTarget.of(loaded.twin(ConfigOption.requireTwin(loaded, twin)));
        PublicKey key;
        try {
            key = SshConnection.offeredKey(target, TIMEOUT);
        } catch (SshException e) {
            throw new TwinException(ExitCodes.FAILED, "trust: " + e.getMessage());
        }
        KnownHosts knownHosts = new KnownHosts(target.knownHosts());
        KnownHosts.Verdict verdict = knownHosts.check(target.host(), target.port(), key);
        context.out().println(target.host() + ":" + target.port() + " offers " + SshConnection.fingerprint(key));
        switch (verdict) {
            case KnownHosts.Verdict.Trusted t -> {
                context.out().println("Already trusted (" + knownHosts.file() + " line " + t.line() + ").");
                return ExitCodes.OK;
            }
            case KnownHosts.Verdict.Revoked r ->
                throw new TwinException(
                        ExitCodes.FAILED,
                        "trust: that key is marked @revoked in " + knownHosts.file() + " (line " + r.line()
                                + "); remove that line by hand if you are sure");
            case KnownHosts.Verdict.Changed c ->
                context.out()
                        .println("WARNING: " + knownHosts.file() + " lists another key for this host ("
                                + String.join(", ", c.knownFingerprints()) + ", line "
                                + c.lines().getFirst()
                                + "). Trusting replaces it.");
            case KnownHosts.Verdict.Unknown u -> {}
        }
        if (!yes && !confirm()) {
            context.out().println("Not recorded.");
            return ExitCodes.FAILED;
        }
        knownHosts.trust(target.host(), target.port(), key);
        context.out().println("Recorded in " + knownHosts.file() + ".");
        return ExitCodes.OK;
    }

    private boolean confirm() throws IOException {
        if (!context.interactive()) {
            throw new TwinException(
                    ExitCodes.USAGE, "trust: no terminal to confirm on; check the fingerprint, then pass --yes");
        }
        return context.confirm("Trust this key for " + twin + "?");
    }
}
