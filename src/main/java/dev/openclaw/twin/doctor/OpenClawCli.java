package dev.openclaw.twin.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs this host's {@code openclaw} ({@code backup.openclaw_command}, default {@code openclaw} on
 * PATH) against the config file the doctor read, so the CLI and the doctor look at the same gateway.
 */
public final class OpenClawCli {

    /** How a run ended: {@code started} false when the command could not be run at all. */
    public record Run(boolean started, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return started && exitCode == 0;
        }
    }

    private final List<String> command;
    private final Path configFile;
    private final Duration timeout;

    public OpenClawCli(List<String> command, Path configFile, Duration timeout) {
        this.command = List.copyOf(command);
        this.configFile = configFile;
        this.timeout = timeout;
    }

    /** The command as configured, for messages. */
    public String describe() {
        return String.join(" ", command);
    }

    public Run run(String... args) throws InterruptedException {
        List<String> line = new ArrayList<>(command);
        line.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(line);
        if (!builder.environment().containsKey("OPENCLAW_CONFIG_PATH")
                && !builder.environment().containsKey("OPENCLAW_STATE_DIR")) {
            builder.environment().put("OPENCLAW_CONFIG_PATH", configFile.toString());
        }
        builder.environment().put("NO_COLOR", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Run(false, -1, "", e.getMessage());
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new Run(true, -1, "", describe() + " did not finish within " + timeout.toSeconds() + " s");
        }
        return new Run(true, process.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        // bounded: a config dump or a log flood must not fill the heap
                        String kept = new String(stream.readNBytes(1024 * 1024), StandardCharsets.UTF_8);
                        stream.transferTo(OutputStream.nullOutputStream());
                        return kept;
                    } catch (IOException e) {
                        return "";
                    }
                },
                task -> Thread.ofVirtual().name("twin-doctor-openclaw").start(task));
    }
}
