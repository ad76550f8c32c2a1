package dev.openclaw.twin.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the repository's {@code ./twin} launcher as a real process, the way a user runs it. */
public final class TwinLauncher {

    public static final Path REPO =
            Path.of(System.getProperty("twin.repo.dir", ".")).toAbsolutePath();

    private TwinLauncher() {}

    /** {@code ./twin args...}, run in the repository; never rebuilds (this Maven run built the jar). */
    public static ProcessBuilder twin(String... args) {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("twin").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
        builder.environment().put("TWIN_SKIP_BUILD", "1");
        return builder;
    }
}
