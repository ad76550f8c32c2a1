package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StateStore;

/** Opens the store the configuration names. */
final class SharedStore {

    private SharedStore() {}

    static StateStore open(TwinsConfig config) {
        TwinsConfig.SharedStorage storage = config.sharedStorage();
        if (!storage.type().isFileBackend()) {
            throw new TwinException(
                    ExitCodes.BAD_CONFIG,
                    "shared_storage.type: etcd is not available in this version (use a shared directory)");
        }
        return new FileStateStore(storage.path().orElseThrow(), storage.stateFile());
    }
}
