package dev.openclaw.twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.openclaw.twin.demo.openclaw.NgircdServer;
import dev.openclaw.twin.testing.TwinLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./twin demo --openclaw} as a user runs it: real gateways, a person, a table, exit 0. */
class DemoOpenClawIT {

    @Test
    void theOpenClawDemoShowsEveryMessageAnsweredAsTheRulesAsk() throws Exception {
        assumeTrue(NgircdServer.binary().isPresent(), "ngircd is not installed (.ci/run installs it): skipping");
        assumeTrue(
                OpenClawIrcIT.INSTALL.installed(),
                "Node 24 and OpenClaw are not installed in .cache/openclaw (.ci/run installs them): skipping");
        Path output = Files.createTempFile("twin-demo-openclaw-", ".txt");
        Process demo = TwinLauncher.twin(
                        "demo",
                        "--openclaw",
                        "--openclaw-cache",
                        OpenClawIrcIT.INSTALL.dir().toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean finished = demo.waitFor(6, TimeUnit.MINUTES);
        String text = Files.readString(output, StandardCharsets.UTF_8);
        System.out.println(text);
        if (!finished) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
        assertThat(finished).as("the demo finished in 6 minutes").isTrue();
        assertThat(demo.exitValue()).as(text).isZero();
        assertThat(text)
                .contains("Primary today:")
                .contains("\"both of you, say hello\"")
                .contains("SIGKILL of")
                .contains("7 of 7 messages answered exactly as the rules ask")
                .doesNotContain("WRONG");
    }
}
