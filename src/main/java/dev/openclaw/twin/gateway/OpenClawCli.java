package dev.openclaw.twin.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * This host's {@code openclaw} command, run as an argument vector (never a shell string) with the
 * caller's environment, so {@code OPENCLAW_STATE_DIR} and {@code OPENCLAW_CONFIG_PATH} apply; or,
 * {@link #withConfigFile pinned}, against one config file. Output is kept up to 1 MiB per stream.
 */
public final class OpenClawCli {

    /** Whoever reads more than this from openclaw is reading a log flood, not an answer. */
    private static final int MAX_OUTPUT = 1024 * 1024;

    /**
     * What one run printed and how it ended.
     *
     * @param notStarted why the command could not be started at all, if it could not
     */
    public record Result(int exitCode, String stdout, String stderr, Optional<String> notStarted) {
        public boolean started() {
            return notStarted.isEmpty();
        }

        public boolean ok() {
            return started() && exitCode == 0;
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

    private final List<String> command;
    private final Map<String, String> environment;
    private final Duration timeout;

    /** {@code command}: the program and any leading words ({@code backup.openclaw_command}). */
    public OpenClawCli(List<String> command, Duration timeout) {
        this(command, Map.of(), timeout);
    }

    public OpenClawCli(Path binary, Duration timeout) {
        this(List.of(binary.toString()), timeout);
    }

    private OpenClawCli(List<String> command, Map<String, String> environment, Duration timeout) {
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
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

    /** The same command, run against {@code configFile} ({@code OPENCLAW_CONFIG_PATH}). */
    public OpenClawCli withConfigFile(Path configFile) {
        Map<String, String> pinned = new HashMap<>(environment);
        pinned.put("OPENCLAW_CONFIG_PATH", configFile.toString());
        return new OpenClawCli(command, pinned, timeout);
    }

    /** The command as configured, for messages. */
    public String describe() {
        return String.join(" ", command);
    }

    /** The argument vector {@code openclaw args...} runs as. */
    public List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(args);
        return argv;
    }

    public Result run(List<String> args) {
        return run(args, Optional.empty());
    }

    /** Runs {@code openclaw args...}, writing {@code stdin} to it (how secrets travel: never in argv). */
    public Result run(List<String> args, Optional<String> stdin) {
        ProcessBuilder builder = new ProcessBuilder(argv(args));
        builder.environment().putAll(environment);
        builder.environment().put("NO_COLOR", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Result(127, "", "cannot run " + describe() + ": " + why, Optional.of(why));
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
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
                return new Result(
                        124,
                        out.getNow(""),
                        describe() + " did not finish within " + timeout.toSeconds() + " s",
                        Optional.empty());
            }
            return new Result(process.exitValue(), out.join(), err.join(), Optional.empty());
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted", Optional.empty());
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        String kept = new String(stream.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
                        stream.transferTo(OutputStream.nullOutputStream());
                        return kept;
                    } catch (IOException e) {
                        return "";
                    }
                },
                task -> Thread.ofVirtual().name("twin-openclaw-output").start(task));
    }

    /** Without ANSI colour codes (openclaw colours its output even into a pipe). */
    static String plain(String line) {
        return line.replaceAll("\u001B\\[[0-9;]*m", "");
    }
}
