package dev.openclaw.twin.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

@Command(
        name = "version",
        header = "Print the version of openclaw-twin and of its Java.",
        description = "Print the version of openclaw-twin and of the Java running it.")
public final class VersionCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    JsonOption json;

    public VersionCommand(CliContext context) {
        this.context = context;
    }

    record VersionReport(int schemaVersion, String version, String java) {}

    @Override
    public Integer call() {
        String java = Runtime.version().toString();
        if (json.enabled()) {
            JsonOutput.print(context.out(), new VersionReport(JsonOutput.SCHEMA_VERSION, version(), java));
        } else {
            context.out().println("openclaw-twin " + version() + " (Java " + java + ")");
        }
        return ExitCodes.OK;
    }

    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("/dev/openclaw/twin/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Answers the root command's {@code --version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"openclaw-twin " + version()};
        }
    }
}
