package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: runs a program in a JVM of its own (this JDK's {@code java}, the test class path,
 * the weft flag and this execution's {@code -Dweft.model}), for what one JVM cannot show (preview
 * APIs, an interpreting JVM). The wait's limit is a safety net only: a child that does not end
 * fails the test with its output so far.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** What the child printed (stdout and stderr together) and its exit status. */
    public record Result(String output, int exitValue) {}

    /**
     * Runs {@code java FLAGS --add-opens java.base/java.lang=ALL-UNNAMED -Dweft.model=... -cp
     * CLASSPATH PROGRAM...} and waits up to {@code limitSeconds} for it to end.
     *
     * @param flags   JVM flags before the standard ones ({@code -Xint}, {@code --enable-preview}...)
     * @param program a main class name, or a source file for the single-file launcher, and its arguments
     */
    public static Result run(long limitSeconds, List<String> flags, String... program)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dweft.model=" + System.getProperty("weft.model", "M_N"),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(program));
        File log = File.createTempFile("weft-child", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        boolean ended = p.waitFor(limitSeconds, TimeUnit.SECONDS);
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("child ended; output:\n" + out).isTrue();
        return new Result(out, p.exitValue());
    }
}
