package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class InitCommandTest {

    /** 2026-03-01 (odd) at 09:00 UTC. */
    private static final Clock ODD_DAY = Clock.fixed(Instant.parse("2026-03-01T09:00:00Z"), ZoneOffset.UTC);

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private CliRun twin(String input, String... args) {
        return CliRun.withInput(ODD_DAY, dir, input, args);
    }

    @Test
    void flagsWriteAValidCommentedConfigTheStateDirAndTheFirstTwinPrimaryJson() throws Exception {
        Path config = dir.resolve("etc/twins.yaml");
        Path state = dir.resolve("share/twin");
        CliRun run = twin(
                null,
                "init",
                "--config",
                config.toString(),
                "--twin",
                "tars=mark@192.168.1.100",
                "--twin",
                "case=192.168.1.101",
                "--state-dir",
                state.toString(),
                "--storage",
                "local",
                "--timezone",
                "Europe/London",
                "--no-input");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("Wrote " + config, "Created the state directory " + state);
        // What is left on each twin: twin connect wires the gateway (no openclaw.json to edit by hand),
        // then the service, then the check, in that order.
        assertThat(run.out())
                .containsSubsequence("twin connect", "twin install-service", "twin doctor")
                .doesNotContain("openclaw.json (then restart");

        String yaml = Files.readString(config);
        assertThat(yaml).contains("# openclaw-twin configuration", "hostname: 192.168.1.100", "username: mark");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
                .isEqualTo("rw-------");
        CliRun validate = twin(null, "validate", "--config", config.toString());
        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isEqualTo(ExitCodes.OK);
        assertThat(twin(null, "who", "--config", config.toString()).out()).startsWith("Primary today: tars (odd date)");

        JsonNode primary = JSON.readTree(state.resolve("twin-primary.json").toFile());
        assertThat(primary.get("date").asString()).isEqualTo("2026-03-01");
        assertThat(primary.get("primary").asString()).isEqualTo("tars");
        assertThat(primary.get("secondary").asString()).isEqualTo("case");
        assertThat(primary.get("bothRespond").asBoolean()).isFalse();
        assertThat(primary.get("timezone").asString()).isEqualTo("Europe/London");
    }

    @Test
    void asksForWhatIsMissingAndAsksAgainAfterABadAnswer() throws Exception {
        Path state = Files.createDirectories(dir.resolve("share"));
        String answers = String.join(
                "\n",
                "tars", // only one twin: asked again
                "tars case kipp",
                "", // tars: no host given (no default: asked again)
                "10.0.0.1",
                "", // tars: the default user, the current one
                "10.0.0.2",
                "mark",
                "10.0.0.3",
                "ann",
                state.toString(),
                "usb stick", // not a storage type: asked again
                "nfs",
                "Mars/Olympus", // not a zone: asked again
                "UTC",
                ""); // default workspace
        CliRun run = twin(answers + "\n", "init");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("name at least two twins")
                .contains("(an answer is needed)")
                .contains("'usb stick' is not one of smb, nfs, cloud, local")
                .contains("'Mars/Olympus' is not a time zone");
        Path written = dir.resolve("home/.config/openclaw-twin/twins.yaml");
        String yaml = Files.readString(written);
        assertThat(yaml)
                .contains(
                        "  tars:\n    hostname: 10.0.0.1",
                        "username: " + InitCommand.scalar(System.getProperty("user.name")),
                        "  kipp:\n    hostname: 10.0.0.3",
                        "rotation: round-robin",
                        "order: [tars, case, kipp]",
                        "type: nfs");
        assertThat(run.out()).contains("Wrote " + written, "primary today kipp (round-robin)");
        assertThat(twin(null, "validate", "--config", written.toString()).exitCode())
                .isEqualTo(ExitCodes.OK);
    }

    @Test
    void theSshUserQuestionOffersTheCurrentUser() {
        Path state = dir.resolve("share");
        CliRun run = twin(
                String.join("\n", "tars case", "10.0.0.1", "", "10.0.0.2", "", state.toString(), "local", "UTC", "")
                        + "\n",
                "init");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("SSH user on tars [" + System.getProperty("user.name") + "]: ");
    }

    @Test
    void userAtHostTypedAsTheHostIsSplitAndSaidSo() throws Exception {
        Path state = dir.resolve("share");
        String answers = String.join(
                "\n",
                "tars case",
                "mark@192.168.1.100",
                "", // keeps the user the host answer gave
                "http://192.168.1.101", // a URL: asked again, with what was meant
                "192.168.1.101:22", // a port: asked again
                "192.168.1.101",
                "ann@case", // not a user name: asked again
                "ann",
                state.toString(),
                "local",
                "UTC",
                "");
        CliRun run = twin(answers + "\n", "init");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("(split: user mark, host 192.168.1.100; press Enter at the next question to keep that user)")
                .contains("SSH user on tars [mark]: ")
                .contains("'http://192.168.1.101' is a URL: set hostname: 192.168.1.101")
                .contains("'192.168.1.101:22' looks like HOST:PORT: set hostname: 192.168.1.101 and ssh.port: 22")
                .contains("'ann@case' looks like USER@HOST: set username: ann and hostname: case");
        String yaml = Files.readString(dir.resolve("home/.config/openclaw-twin/twins.yaml"));
        assertThat(yaml)
                .contains("  tars:\n    hostname: 192.168.1.100", "username: mark")
                .contains("  case:\n    hostname: 192.168.1.101", "username: ann");
    }

    @Test
    void aCloudShareIsExplainedWhenItIsChosen() {
        Path state = dir.resolve("share");
        String answers = String.join(
                "\n", "tars case", "10.0.0.1", "mark", "10.0.0.2", "mark", state.toString(), "cloud", "UTC", "");
        CliRun run = twin(answers + "\n", "init");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        String explanation = "Note: a cloud-synced folder (iCloud Drive, Dropbox, Syncthing) gives each twin its own"
                + " copy, synced seconds later, so an exclusive create there is not atomic across twins.";
        assertThat(run.out()).contains(explanation);
        // Right after the question, before the time zone is asked.
        assertThat(run.out().indexOf(explanation)).isLessThan(run.out().indexOf("Time zone for the daily rotation"));
    }

    @Test
    void aMistypedHostInTwinFlagsIsAUsageErrorSayingWhatWasMeant() {
        assertUsage(
                twin(null, "init", "--twin", "a=ssh://mark@h1:2222", "--twin", "b=h2"),
                "--twin a=ssh://mark@h1:2222: 'ssh://mark@h1:2222' is a URL: set hostname: h1, username: mark,"
                        + " ssh.port: 2222");
        assertUsage(
                twin(null, "init", "--twin", "a=mark@h1:22", "--twin", "b=h2"),
                "'h1:22' looks like HOST:PORT: set hostname: h1 and ssh.port: 22");
        assertUsage(twin(null, "init", "--twin", "a=mark@h1", "--twin", "b=ann@x@h2"), "'x@h2' looks like USER@HOST");
    }

    @Test
    void neverReplacesAConfigWithoutForceAndKeepsTheOldOne() throws Exception {
        Path config = dir.resolve("twins.yaml");
        Files.writeString(config, "# mine\n");
        String[] args = {
            "init",
            "--config",
            config.toString(),
            "--twin",
            "a=h1",
            "--twin",
            "b=h2",
            "--state-dir",
            dir.resolve("s").toString(),
            "--storage",
            "local",
            "--no-input"
        };
        CliRun refused = twin(null, args);
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains(config + " exists; pass --force");
        assertThat(Files.readString(config)).isEqualTo("# mine\n");

        String[] forced = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args), java.util.stream.Stream.of("--force"))
                .toArray(String[]::new);
        assertThat(twin(null, forced).exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(dir.resolve("twins.yaml.bak"))).isEqualTo("# mine\n");
        assertThat(Files.readString(config)).contains("twins:");
    }

    @Test
    void keepsTheTwinPrimaryJsonAnotherTwinAlreadyWrote() throws Exception {
        Path state = Files.createDirectories(dir.resolve("s"));
        String existing = "{\"date\":\"2026-03-01\",\"primary\":\"b\",\"secondary\":\"a\",\"bothRespond\":true,"
                + "\"lastUpdated\":\"2026-03-01T00:00:00Z\"}";
        Files.writeString(state.resolve("twin-primary.json"), existing);
        CliRun run = twin(
                null,
                "init",
                "--config",
                dir.resolve("t.yaml").toString(),
                "--twin",
                "a=h1",
                "--twin",
                "b=h2",
                "--state-dir",
                state.toString(),
                "--no-input");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("Kept twin-primary.json (primary b on 2026-03-01)");
        assertThat(Files.readString(state.resolve("twin-primary.json"))).isEqualTo(existing);
    }

    @Test
    void withoutATerminalMissingOrBadFlagsAreUsageErrors() {
        assertUsage(
                twin(null, "init", "--twin", "a=h1"), "name at least two twins with --twin NAME=[USER@]HOST (got 1)");
        assertUsage(twin(null, "init", "--twin", "a=h1", "--twin", "A=h2"), "twin 'A' is given twice");
        assertUsage(twin(null, "init", "--twin", "a=h1", "--twin", "b c=h2"), "'b c' is not a twin name");
        assertUsage(twin(null, "init", "--twin", "a=h1", "--twin", "b"), "--twin b: expected NAME=[USER@]HOST");
        assertUsage(
                twin(null, "init", "--twin", "a=h1", "--twin", "b=h2", "--timezone", "Nowhere"),
                "--timezone: 'Nowhere' is not a time zone");
        assertUsage(twin("a b\n", "init"), "input ended before 'Host name or IP address of a' was answered");
        assertThat(dir.resolve("home/.config/openclaw-twin/twins.yaml")).doesNotExist();
    }

    @Test
    void valuesThatYamlWouldMisreadAreQuoted() {
        assertThat(InitCommand.scalar("tars")).isEqualTo("tars");
        assertThat(InitCommand.scalar("~/shared_storage")).isEqualTo("~/shared_storage");
        assertThat(InitCommand.scalar("yes")).isEqualTo("\"yes\"");
        assertThat(InitCommand.scalar("007")).isEqualTo("\"007\"");
        assertThat(InitCommand.scalar("/Volumes/My Share")).isEqualTo("\"/Volumes/My Share\"");
        assertThat(InitCommand.scalar("a: b # c")).isEqualTo("\"a: b # c\"");
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(message);
    }
}
