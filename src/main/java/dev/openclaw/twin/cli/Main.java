package dev.openclaw.twin.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Entry point of the {@code twin} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(CliContext.system(), args));
    }

    /** Runs one command line against {@code context} and returns its exit code. */
    public static int run(CliContext context, String... args) {
        CommandLine commandLine = new CommandLine(new TwinCommand(), new ContextFactory(context));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> switch (exception) {
            case ConfigOption.ConfigFailure failure -> {
                failure.problems().lines().forEach(context.err()::println);
                yield ExitCodes.BAD_CONFIG;
            }
            case TwinException twin -> {
                context.err().println("twin: " + twin.getMessage());
                yield twin.exitCode();
            }
            default -> throw exception;
        });
        int code = commandLine.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    /** Builds commands that take a {@link CliContext} in their constructor; others the usual way. */
    private record ContextFactory(CliContext context) implements IFactory {
        private static final IFactory DEFAULT = CommandLine.defaultFactory();

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(CliContext.class);
                return constructor.newInstance(context);
            } catch (NoSuchMethodException e) {
                return DEFAULT.create(type);
            }
        }
    }
}
