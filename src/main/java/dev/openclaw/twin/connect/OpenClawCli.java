package dev.openclaw.twin.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * This host's {@code openclaw} command, run as an argument vector (never a shell string) with the
 * caller's environment, so {@code OPENCLAW_STATE_DIR} and {@code OPENCLAW_CONFIG_PATH} apply.
 */
public final class OpenClawCli {

    /** What one run printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The output's last non-blank line (stderr first), for a one-line failure message. */
        public String lastLine() {
            for (String text : List.of(stderr, stdout)) {
                List<String> lines = text.lines()
                        .map(OpenClawCli::plain)
                        .filter(l -> !l.isBlank())
                        .toList();
                if (!lines.isEmpty()) {
                    return lines.getLast().strip();
                }
            }
            return "exit " + exitCode;
        }
    }

    private final Path binary;
    private final Duration timeout;

    public OpenClawCli(Path binary, Duration timeout) {
        this.binary = binary;
        this.timeout = timeout;
    }

    /**
     * The {@code openclaw} to run: {@code explicit} (--openclaw), else {@code $OPENCLAW_BIN}, else
     * the first on {@code $PATH}.
     */
    public static Optional<Path> locate(Optional<Path> explicit, Map<String, String> environment) {
        if (explicit.isPresent()) {
            return explicit.filter(Files::isExecutable);
        }
        String fromEnv = environment.get("OPENCLAW_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv)).filter(Files::isExecutable);
        }
        for (String dir : environment.getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, "openclaw");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    public Path binary() {
        return binary;
    }

    /** The argument vector {@code openclaw args...} runs as. */
    public List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(List.of(binary.toString()));
        argv.addAll(args);
        return argv;
    }

    public Result run(List<String> args) {
        return run(args, Optional.empty());
    }

    /** Runs {@code openclaw args...}, writing {@code stdin} to it (how secrets travel: never in argv). */
    public Result run(List<String> args, Optional<String> stdin) {
        Process process;
        try {
            process = new ProcessBuilder(argv(args)).start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + binary + ": " + e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin.isPresent()) {
                in.write(stdin.get().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process ended before reading its input: its exit code tells why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(124, out.getNow(""), "timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without ANSI colour codes (openclaw colours its output even into a pipe). */
    static String plain(String line) {
        return line.replaceAll("\u001B\\[[0-9;]*m", "");
    }
}
