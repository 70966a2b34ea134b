package dev.weft.cli;

import dev.weft.Weft;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values shared by the subcommands. Each error names the option and the value
 * given, so that a command line with several numbers says which one is wrong.
 */
public final class Options {
    private Options() {}

    /** {@code value} unless it is below 1: then a ParameterException naming {@code option}. */
    public static long positive(CommandSpec spec, String option, long value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be positive, not " + value);
        }
        return value;
    }

    /**
     * A value of {@code --procs}: positive, and one a runtime accepts (the builder's own check,
     * so the bound stays weft's); else a ParameterException naming the option, before any
     * workload has run, rather than the builder's exception and its stack trace part way through.
     */
    public static int procs(CommandSpec spec, int procs) {
        positive(spec, "--procs", procs);
        try {
            Weft.builder().procs(procs);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--procs: " + e.getMessage());
        }
        return procs;
    }

    /**
     * The file an option names for output, created now (empty, with its folders) so that a path
     * that cannot be written is refused, naming the option, before the command's work rather
     * than after it (the demo runs for minutes before it writes its chart).
     */
    public static Path writableFile(CommandSpec spec, String option, String file) {
        try {
            Path p = Path.of(file);
            Path dir = p.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.newOutputStream(p).close();
            return p;
        } catch (IOException | InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), option + ": cannot write " + file + ": " + e);
        }
    }
}
