package dev.weft.cli;

import dev.weft.cli.bench.BenchCommand;
import dev.weft.cli.trace.TraceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weft} command line. */
@Command(name = "weft", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A Go-style G-M-P scheduler for JDK 25 virtual threads.",
        subcommands = {DemoCommand.class, BenchCommand.class, ScaleCommand.class, TraceCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * The version the build wrote into weft-core, never a literal; every subcommand names it too,
     * since its mixed-in {@code --version} prints nothing without a provider of its own.
     */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"weft " + dev.weft.Weft.version()};
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
