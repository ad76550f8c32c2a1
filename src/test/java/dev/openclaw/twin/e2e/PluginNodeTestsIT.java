package dev.openclaw.twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The plugin's own unit tests ({@code openclaw-plugin/test}), run with the Node that runs OpenClaw. */
class PluginNodeTestsIT {

    @Test
    void thePluginsNodeTestsPass() throws IOException, InterruptedException {
        assumeTrue(
                OpenClawIrcIT.INSTALL.installed(),
                "Node 24 is not installed in .cache/openclaw (.ci/run installs it): skipping the plugin's tests");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        OpenClawIrcIT.INSTALL.nodeBin().resolve("node").toString(),
                        "--test",
                        "--test-reporter=tap",
                        "openclaw-plugin/test/index.test.js"))
                .directory(TwinLauncher.REPO.toFile())
                .redirectErrorStream(true);
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
    }
}
