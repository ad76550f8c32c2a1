package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.sync.FolderSync;
import dev.openclaw.twin.sync.SyncReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's periodic sync of this twin's shared folders (see {@link FolderSync}). */
final class DaemonSync {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonSync.class);

    private final TwinsConfig config;
    private final String twin;
    private final Clock clock;
    private final BiConsumer<String, String> conflict;
    private final Optional<StateStore> lockStore;
    private final Map<String, String> lastError = new HashMap<>();
    /** Per folder, the problems already logged: each is logged once, and again only after it went away. */
    private final Map<String, Set<String>> loggedProblems = new HashMap<>();

    /** @param conflict told of each conflict: the folder and the name this twin's version was kept under */
    DaemonSync(TwinsConfig config, String twin, Clock clock, BiConsumer<String, String> conflict) {
        this(config, twin, clock, conflict, Optional.empty());
    }

    /**
     * @param lockStore where the sync lock (a claim) is taken: on a cloud folder the daemon's store,
     *     whose claims the arbiter makes; else the folder itself
     */
    DaemonSync(
            TwinsConfig config,
            String twin,
            Clock clock,
            BiConsumer<String, String> conflict,
            Optional<StateStore> lockStore) {
        this.config = config;
        this.twin = twin;
        this.clock = clock;
        this.conflict = conflict;
        this.lockStore = lockStore;
    }

    boolean enabled() {
        return !config.sync().folders().isEmpty()
                && !config.sync().interval().isZero()
                && config.sharedStorage().path().isPresent();
    }

    /** Syncs every folder once; a folder that fails is logged (once per distinct error) and retried next time. */
    synchronized void syncAll() {
        Path store = config.sharedStorage().path().orElseThrow();
        FileStateStore share = new FileStateStore(store, config.sharedStorage().stateFile());
        StateStore lockClaims = lockStore.orElse(share);
        Path workspace = ConfigEnvironment.system().expandHome(config.twin(twin).openclawPath());
        for (TwinsConfig.SyncFolder folder : config.sync().folders()) {
            try {
                SyncReport report = new FolderSync(
                                twin,
                                folder,
                                workspace.resolve(folder.path()),
                                store,
                                share,
                                lockClaims,
                                config.sync().maxFileSize(),
                                clock,
                                (action, path) -> {},
                                file -> {})
                        .run(false);
                if (lastError.remove(folder.shared()) != null) {
                    LOG.info("sync of {} works again", folder.shared());
                }
                if (report.changedAnything()) {
                    LOG.info(
                            "synced {}: {} sent, {} received, {} deleted here, {} deleted there, {} conflicts",
                            folder.shared(),
                            report.pushed().size(),
                            report.pulled().size(),
                            report.deletedHere().size(),
                            report.deletedShared().size(),
                            report.conflicts().size());
                }
                report.conflicts().forEach(keptAs -> conflict.accept(folder.shared(), keptAs));
                logOnce(folder.shared(), report.problems());
            } catch (IOException e) {
                String message = String.valueOf(e.getMessage());
                if (!message.equals(lastError.put(folder.shared(), message))) {
                    LOG.warn("sync of {} failed: {}", folder.shared(), message);
                }
            }
        }
    }

    private void logOnce(String folder, java.util.List<String> problems) {
        Set<String> now = new HashSet<>(problems);
        Set<String> logged = loggedProblems.computeIfAbsent(folder, f -> new HashSet<>());
        for (String problem : problems) {
            if (!logged.contains(problem)) {
                LOG.warn("sync of {}: {}", folder, problem);
            }
        }
        logged.retainAll(now);
        logged.addAll(now);
    }
}
