package dev.openclaw.twin.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParseResult;

/** Entry point of the {@code twin} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(CliContext.system(), args));
    }

    /** Runs one command line against {@code context} and returns its exit code. */
    public static int run(CliContext context, String... args) {
        CommandLine commandLine = commandLine(context);
        int code = commandLine.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    /** The {@code twin} command line, ready to parse or execute against {@code context}. */
    static CommandLine commandLine(CliContext context) {
        CommandLine commandLine = new CommandLine(new TwinCommand(), new ContextFactory(context));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.getCommandSpec().usageMessage().customSynopsis(TwinCommand.SYNOPSIS);
        GlobalOptions global = GlobalOptions.of(commandLine.getCommandSpec());
        commandLine.setExecutionStrategy(parseResult -> {
            // Before the command runs, so no library has logged yet.
            Logging.apply(
                    modeOf(parseResult), global.verbose(), context.environment().variable("TWIN_LOG_LEVEL"));
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> switch (exception) {
            case ConfigOption.ConfigFailure failure -> {
                failure.problems().lines().forEach(context.err()::println);
                yield ExitCodes.BAD_CONFIG;
            }
            case TwinException twin -> {
                context.err().println("twin: " + twin.getMessage());
                yield twin.exitCode();
            }
            default -> {
                unexpected(context.err(), exception, global.verbose());
                yield ExitCodes.FAILED;
            }
        });
        return commandLine;
    }

    private static Logging.Mode modeOf(ParseResult parseResult) {
        List<CommandLine> commands = parseResult.asCommandLineList();
        return commands.getLast().getCommand() instanceof DaemonCommand ? Logging.Mode.DAEMON : Logging.Mode.COMMAND;
    }

    /** A failure no command turned into a message: one line, the stack trace only with --verbose. */
    private static void unexpected(PrintWriter err, Exception exception, boolean verbose) {
        err.println("twin: " + describe(exception) + (verbose ? "" : " (run again with --verbose for the details)"));
        if (verbose) {
            exception.printStackTrace(err);
        }
        err.flush();
    }

    /** The innermost cause, said plainly: a file problem names its file. */
    static String describe(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String kind = root.getClass().getSimpleName();
        if (root instanceof FileSystemException file) {
            String reason = switch (file) {
                case NoSuchFileException missing -> "no such file or directory";
                case AccessDeniedException denied -> "permission denied";
                case NotDirectoryException notDirectory -> "not a directory";
                case FileAlreadyExistsException exists -> "already exists";
                default -> Optional.ofNullable(file.getReason()).orElse(kind);
            };
            return file.getFile() + ": " + reason;
        }
        return Optional.ofNullable(root.getMessage())
                .filter(m -> !m.isBlank())
                .map(m -> kind + ": " + m.strip())
                .orElse(kind);
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
