package dev.openclaw.twin.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A build of an earlier commit of this repository, for tests of a flock in the middle of an
 * upgrade: the commit's tree is taken with {@code git archive} (no checkout, no worktree), built
 * with its own Maven wrapper, and kept under {@code target/previous-<hash>/} so that later runs
 * reuse it. Its runtime class path is {@code target/openclaw-twin.jar} plus {@code target/lib/*.jar}
 * of that build, what its {@code ./twin} runs.
 */
public final class PreviousBuild {

    /** Git, or the commit, is not there: the caller skips, saying why. A failing build is no such case. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

    private final String commit;
    private final Path home;

    private PreviousBuild(String commit, Path home) {
        this.commit = commit;
        this.home = home;
    }

    /** The full hash of the commit built. */
    public String commit() {
        return commit;
    }

    /** The built tree (its {@code target/} holds the jar). */
    public Path home() {
        return home;
    }

    /** What {@code java -cp} needs to run that build's {@code dev.openclaw.twin.cli.Main}. */
    public String classPath() throws IOException {
        List<String> entries = new ArrayList<>();
        entries.add(home.resolve("target/openclaw-twin.jar").toString());
        try (Stream<Path> jars = Files.list(home.resolve("target/lib"))) {
            jars.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .map(Path::toString)
                    .sorted()
                    .forEach(entries::add);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * The build of {@code commitish} in {@code repo}: from the cache under {@code repo/target} when
     * there, else archived and built now (offline first, then online).
     *
     * @throws Unavailable git is missing or does not know the commit (a shallow clone)
     * @throws IOException the build failed; its log's tail is in the message
     */
    public static PreviousBuild obtain(Path repo, String commitish, Consumer<String> log)
            throws Unavailable, IOException, InterruptedException {
        String commit = resolve(repo, commitish);
        Path home = repo.resolve("target").resolve("previous-" + commit);
        if (Files.isRegularFile(home.resolve("target/openclaw-twin.jar"))
                && Files.isDirectory(home.resolve("target/lib"))) {
            log.accept("reusing the build of " + commit + " in " + home);
            return new PreviousBuild(commit, home);
        }
        if (Files.exists(home)) {
            deleteTree(home); // an incomplete build
        }
        Files.createDirectories(home.getParent());
        // Built aside and moved into place whole: an interrupted build is never taken for a cached one.
        Path building = Files.createTempDirectory(home.getParent(), "previous-" + commit + "-building-");
        Path tar = building.resolve("source.tar");
        run(
                List.of("git", "-C", repo.toString(), "archive", "--format=tar", "-o", tar.toString(), commit),
                building,
                building.resolve("git.log"),
                GIT_TIMEOUT);
        Path tree = building.resolve("tree");
        Files.createDirectories(tree);
        if (run(
                        List.of("tar", "-xf", tar.toString(), "-C", tree.toString()),
                        building,
                        building.resolve("tar.log"),
                        GIT_TIMEOUT)
                != 0) {
            throw new IOException("could not unpack " + commit + ": " + tail(building.resolve("tar.log")));
        }
        Files.delete(tar);
        if (!Files.isExecutable(tree.resolve("mvnw"))) {
            throw new IOException(commit + " has no executable ./mvnw to build it with");
        }
        long start = System.nanoTime();
        Path buildLog = building.resolve("build.log");
        List<String> offline =
                List.of("./mvnw", "-B", "-q", "-o", "package", "-Dmaven.test.skip=true", "-Dspotless.check.skip=true");
        log.accept("building " + commit + " in " + tree + " (log " + buildLog + ")");
        if (run(offline, tree, buildLog, BUILD_TIMEOUT) != 0) {
            log.accept("the offline build failed; building online");
            List<String> online = new ArrayList<>(offline);
            online.remove("-o");
            if (run(online, tree, buildLog, BUILD_TIMEOUT) != 0) {
                throw new IOException("the build of " + commit + " failed (log " + buildLog + "):\n" + tail(buildLog));
            }
        }
        log.accept(String.format("built %s in %.0f s", commit, (System.nanoTime() - start) / 1e9));
        try {
            Files.move(tree, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            log.accept("another run built " + commit + " meanwhile; using its build");
        }
        deleteTree(building);
        return new PreviousBuild(commit, home);
    }

    /** The full hash of {@code commitish}, or why it cannot be had. */
    private static String resolve(Path repo, String commitish) throws Unavailable, InterruptedException {
        if (!commitish.matches("[0-9A-Za-z][0-9A-Za-z._/~^-]*")) {
            throw new IllegalArgumentException("not a commit name: '" + commitish + "'"); // nor a git option
        }
        Path out;
        try {
            out = Files.createTempFile("previous-commit-", ".txt");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            int code = run(
                    List.of("git", "-C", repo.toString(), "rev-parse", "--verify", "--quiet", commitish + "^{commit}"),
                    repo,
                    out,
                    GIT_TIMEOUT);
            String hash = Files.readString(out).strip();
            if (code == 0 && hash.matches("[0-9a-f]{40}")) {
                return hash;
            }
            int isRepo = run(
                    List.of("git", "-C", repo.toString(), "rev-parse", "--is-shallow-repository"),
                    repo,
                    out,
                    GIT_TIMEOUT);
            String shallow = Files.readString(out).strip();
            throw new Unavailable(
                    isRepo != 0
                            ? repo + " is not a git repository, so the previous version cannot be had"
                            : "git in " + repo + " does not know the commit " + commitish
                                    + (shallow.equals("true")
                                            ? " (a shallow clone: clone with full history, or git fetch --unshallow)"
                                            : " (give another with -Dtwin.previous.commit)"));
        } catch (IOException e) {
            throw new Unavailable("git is not available to fetch the previous version: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // a temporary file; the OS cleans up
            }
        }
    }

    /** Runs {@code command} in {@code dir}, its output (and errors) to {@code log}; its exit code. */
    private static int run(List<String> command, Path dir, Path log, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Set by the Maven running this test; the inner build must find its own project.
        env.remove("MAVEN_BASEDIR");
        env.remove("MAVEN_PROJECTBASEDIR");
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " took more than " + timeout.toMinutes() + " min");
        }
        return process.exitValue();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return lines.subList(Math.max(0, lines.size() - 30), lines.size()).stream()
                .collect(Collectors.joining("\n"));
    }
}
