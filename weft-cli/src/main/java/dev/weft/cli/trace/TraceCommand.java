package dev.weft.cli.trace;

import dev.weft.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weft trace FILE}: the timeline page of a trace file, written beside it. */
@Command(name = "trace", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Writes a self-contained HTML timeline of a weft trace file beside it and prints its path.",
            "Record a trace with -Dweft.trace=FILE (every runtime of a program), Weft.startTrace(path), or weft demo --trace.",
            "The page needs no network: open it in any browser. Perfetto (ui.perfetto.dev) opens the trace file itself."})
public final class TraceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The trace file (Chrome trace-event JSON written by weft).")
    Path file;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "no trace file at " + file);
        }
        Path page;
        try {
            page = TracePage.write(file);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().println(page.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
