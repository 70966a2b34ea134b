package dev.weft.cli.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a trace file (Chrome trace-event JSON written by weft-trace) into one self-contained HTML
 * page beside it: the template {@code page.html} (hand-written JavaScript drawing on a canvas, no
 * library, nothing fetched) with the trace inlined as a JSON script block. Everything the page
 * shows it computes in the browser from that block.
 */
public final class TracePage {
    private TracePage() {}

    private static final String TEMPLATE = "/dev/weft/cli/trace/page.html";

    /** The page's path for {@code trace}: {@code run.trace.json} -> {@code run.trace.html}. */
    public static Path pageFor(Path trace) {
        String name = trace.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return trace.resolveSibling(base + ".html");
    }

    /**
     * Writes the page for {@code trace} and returns its path.
     *
     * @throws IllegalArgumentException if the file is not a weft trace (no {@code traceEvents})
     * @throws IOException              if it cannot be read or the page written
     */
    public static Path write(Path trace) throws IOException {
        String json = Files.readString(trace, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(trace + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("traceEvents").isArray()) {
            throw new IllegalArgumentException(trace + " is not a trace: it has no traceEvents array"
                    + " (write one with Weft.startTrace or -Dweft.trace=FILE)");
        }
        String page = template()
                .replace("__TITLE__", escapeHtml(trace.getFileName().toString()))
                // In a script block the parser reacts to "</", "<!--" and "<script": a "<" only
                // appears inside JSON strings, where "\u003c" is the same character.
                .replace("__TRACE_JSON__", json.replace("<", "\\u003c"));
        Path out = pageFor(trace);
        Files.writeString(out, page, StandardCharsets.UTF_8);
        return out;
    }

    private static String template() {
        try (InputStream in = TracePage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("weft: the page template " + TEMPLATE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
