package dev.openclaw.twin.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The tarball {@code ./mvnw package} makes, unpacked into a temp directory and run from there;
 * the service units it writes checked by {@code systemd-analyze verify} and an XML parser.
 */
class PackagingIT {

    @TempDir
    Path dir;

    private Path unpacked;
    private Path config;

    /** What a command printed and how it ended. */
    private record Run(int exit, String out) {}

    @BeforeEach
    void unpack() throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(TwinLauncher.REPO.resolve("target"))) {
            tarball = files.filter(p -> p.getFileName().toString().matches("openclaw-twin-.+\\.tar\\.gz"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no openclaw-twin-<version>.tar.gz in target/"));
        }
        assertThat(run(dir, "tar", "xzf", tarball.toString()).exit()).isZero();
        try (Stream<Path> dirs = Files.list(dir)) {
            unpacked = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path state = Files.createDirectories(dir.resolve("state"));
        config = dir.resolve("twins.yaml");
        Files.writeString(config, """
                twins:
                  tars: {hostname: h1}
                  case: {hostname: h2}
                shared_storage: {type: local, path: %s}
                """.formatted(state));
    }

    @Test
    void theTarballHoldsALauncherThatRunsFromWhereverItIsUnpacked() throws Exception {
        assertThat(unpacked.getFileName().toString()).startsWith("openclaw-twin-");
        for (String part : List.of(
                "bin/twin",
                "lib/openclaw-twin.jar",
                "README.md",
                "examples/twins.yaml",
                "openclaw-plugin/index.js",
                "openclaw-plugin/openclaw.plugin.json",
                "share/systemd/openclaw-twin.service",
                "share/launchd/dev.openclaw.twin.plist",
                "share/grafana/openclaw-twin.json",
                "share/prometheus/openclaw-twin.rules.yml")) {
            assertThat(unpacked.resolve(part)).as(part).exists();
        }
        assertThat(Files.isExecutable(unpacked.resolve("bin/twin"))).isTrue();

        Run version = twin("version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("openclaw-twin ");

        Run status = twin("status", "--config", config.toString());
        // Nobody runs a daemon here: degraded, with both twins listed.
        assertThat(status.exit()).as(status.out()).isEqualTo(3);
        assertThat(status.out()).contains("tars", "case", "never-seen", "Primary today:");
        // Nothing was built: the distribution has no sources and no target/.
        assertThat(unpacked.resolve("target")).doesNotExist();
    }

    @Test
    void theSystemdUnitItWritesPassesSystemdAnalyzeVerify() throws Exception {
        Run dryRun = twin("install-service", "--dry-run", "--os", "linux", "--config", config.toString());
        assertThat(dryRun.exit()).as(dryRun.out()).isZero();
        assertThat(dryRun.out()).contains("$ systemctl --user enable --now openclaw-twin.service");
        Path unit = dir.resolve("units/openclaw-twin.service");
        Files.createDirectories(unit.getParent());
        Files.writeString(unit, unitText(dryRun.out()));
        assertThat(Files.readString(unit))
                .contains("ExecStart=\"" + unpacked.resolve("bin/twin") + "\" \"daemon\" \"--config\" \"" + config
                        + "\"");

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeThat(Files.isExecutable(analyze))
                .as("systemd-analyze (Debian systemd)")
                .isTrue();
        Run verify = run(dir, analyze.toString(), "verify", unit.toString());
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).doesNotContain("Unknown key", "bad unit file");
    }

    @Test
    void theLaunchdAgentItWritesIsAWellFormedPlistRunningTheDaemon() throws Exception {
        Run dryRun = twin("install-service", "--dry-run", "--os", "macos", "--config", config.toString());
        assertThat(dryRun.exit()).as(dryRun.out()).isZero();
        for (String text : List.of(
                unitText(dryRun.out()), Files.readString(unpacked.resolve("share/launchd/dev.openclaw.twin.plist")))) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // The DOCTYPE names Apple's DTD on the web: never fetch it.
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            Document plist = factory.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(plist.getDocumentElement().getTagName()).isEqualTo("plist");
            NodeList keys = plist.getElementsByTagName("key");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < keys.getLength(); i++) {
                names.add(keys.item(i).getTextContent());
            }
            assertThat(names).contains("Label", "ProgramArguments", "RunAtLoad", "KeepAlive");
            Element args = (Element) plist.getElementsByTagName("array").item(0);
            assertThat(args.getTextContent()).contains("twin", "daemon", "--config");
        }
        assertThat(dryRun.out()).contains("launchctl bootstrap gui/");
    }

    /** The unit text from {@code install-service --dry-run}: after the '# path' line, before the commands. */
    private static String unitText(String dryRun) {
        List<String> lines = dryRun.lines().toList();
        StringBuilder text = new StringBuilder();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("$ ")) {
                break;
            }
            text.append(line).append('\n');
        }
        return text.toString().strip() + "\n";
    }

    private Run twin(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(unpacked.resolve("bin/twin").toString()));
        command.addAll(List.of(args));
        return run(dir, command.toArray(String[]::new));
    }

    private static Run run(Path workingDir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out);
    }
}
