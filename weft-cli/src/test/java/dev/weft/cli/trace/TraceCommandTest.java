package dev.weft.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.cli.Main;
import dev.weft.sync.WaitGroup;
import dev.weft.trace.TraceRecording;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code weft trace FILE}: the page is written beside the trace, fetches nothing, and, loaded in a
 * real browser (Debian's chromium, headless), renders a row per P and every goroutine run, with
 * table totals equal to what the trace file says (computed here independently, from the JSON).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TraceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Workers that wait on channels, sleep, and compute, on 2 Ps: runs, waits, wake-ups and steals. */
    static Path record(Path dir) {
        Path file = dir.resolve("run.trace.json");
        try (Weft rt = Weft.builder().procs(2).name("page").build()) {
            try (TraceRecording rec = rt.startTrace(file)) {
                rt.run(() -> {
                    Chan<Integer> work = Chan.make();
                    Chan<Long> out = Chan.make(8);
                    WaitGroup wg = new WaitGroup();
                    for (int w = 0; w < 8; w++) {
                        wg.add(1);
                        Go.go(() -> {
                            for (int n : work) {
                                long acc = 0;
                                for (int k = 0; k < 20_000 * n; k++) {
                                    acc += k ^ n;
                                }
                                out.send(acc);
                            }
                            wg.done();
                        });
                    }
                    Go.go(() -> {
                        for (int i = 1; i <= 40; i++) {
                            work.send(i % 5 + 1);
                        }
                        work.close();
                        Go.sleep(Duration.ofMillis(2));
                    });
                    for (int i = 0; i < 40; i++) {
                        out.recv();
                    }
                    wg.await();
                });
            }
        }
        return file;
    }

    @Test
    void thePageRendersEveryPAndEveryRunWithTotalsThatMatchTheTrace(@TempDir Path dir) throws Exception {
        Path trace = record(dir);
        StringWriter out = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("trace", trace.toString());
        assertThat(rc).isZero();
        Path page = Path.of(out.toString().trim());
        assertThat(page).isEqualTo(dir.resolve("run.trace.html").toAbsolutePath()).isRegularFile();
        String html = Files.readString(page);
        // Self-contained: no script, style or image comes from anywhere.
        assertThat(html).doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//");
        assertThat(html).doesNotContain("@import", "fetch(", "XMLHttpRequest");

        Expected want = expected(trace);
        assertThat(want.pRows).isEqualTo(2);
        assertThat(want.slices).isPositive();

        Path chromium = chromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium): the page was written"
                + " but not loaded in a browser; CI installs it (.ci/run)");
        String dom = run(chromium, "--dump-dom", page.toUri().toString());
        Map<String, String> summary = attributes(dom, "section", "summary");
        assertThat(summary.get("data-p-rows")).isEqualTo(String.valueOf(want.pRows));
        assertThat(summary.get("data-slices")).isEqualTo(String.valueOf(want.slices));
        assertThat(summary.get("data-goroutines")).isEqualTo(String.valueOf(want.goroutines));
        assertThat(summary.get("data-total-run-ns")).isEqualTo(String.valueOf(want.run));
        assertThat(summary.get("data-total-runnable-ns")).isEqualTo(String.valueOf(want.runnable));
        assertThat(summary.get("data-total-blocked-ns")).isEqualTo(String.valueOf(want.blocked));
        assertThat(summary.get("data-dropped")).isEqualTo("0");
        assertThat(summary.get("data-steals")).isEqualTo(String.valueOf(want.steals));
        // The canvas drew one row per P and, at the initial whole-trace view, every run.
        Map<String, String> canvas = attributes(dom, "canvas", "timeline");
        assertThat(canvas.get("data-p-rows")).isEqualTo(String.valueOf(want.pRows));
        assertThat(canvas.get("data-slices-rendered")).isEqualTo(String.valueOf(want.slices));
        // The goroutine table has a row per goroutine (fewer than its cap here).
        assertThat(count(dom, "<tr data-g=")).isEqualTo(want.goroutines);

        Path png = dir.resolve("trace.png");
        run(chromium, "--screenshot=" + png, "--window-size=1400,900", page.toUri().toString());
        assertThat(png).isRegularFile();
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).isGreaterThan(1000);
        assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        String keep = System.getProperty("weft.trace.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void theDemoTracesAWorkloadAndSaysWhereThePageIs(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("demo.trace.json");
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = new CommandLine(new Main()).execute("demo", "--procs", "2", "--spawn", "100", "--rounds", "100",
                    "--fib", "15", "--skynet", "100", "--sleepers", "10", "--hog-millis", "10", "--mixed-rounds", "5",
                    "--model-parked", "100", "--kernel-threads", "100", "--models-chart", dir.resolve("m.png").toString(),
                    "--trace", trace.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(rc).isZero();
        Path page = dir.resolve("demo.trace.html");
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("trace of fork-join fib(15): " + trace.toAbsolutePath(),
                "timeline page: " + page.toAbsolutePath());
        assertThat(page).isRegularFile();
        assertThat(expected(trace).slices()).isPositive();
    }

    @Test
    void aFileThatIsNotATraceIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        Path notTrace = dir.resolve("x.json");
        Files.writeString(notTrace, "{\"hello\": 1}");
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("trace", notTrace.toString());
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("has no traceEvents array");
        err = new StringWriter();
        rc = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("trace", dir.resolve("none.json").toString());
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("no trace file at");
    }

    /**
     * The trace is inlined in a script block, where the HTML parser reacts to {@code <!--} and
     * {@code <script} too, not only to {@code </}: a runtime named {@code <!--<script>} put it in
     * the "double escaped" state, in which the block's own {@code </script>} does not end it, and
     * the page swallowed its code and drew nothing. The block holds no {@code <} at all now, and
     * still parses to the same JSON.
     */
    @Test
    void aRuntimeNameCannotEndOrEscapeTheInlinedTrace(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("odd.json");
        String json = "{\"traceEvents\": [{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 1,"
                + " \"args\": {\"name\": \"weft runtime '<!--<script></script>'\"}}]}";
        Files.writeString(trace, json);
        String page = Files.readString(TracePage.write(trace));
        String open = "<script id=\"trace-data\" type=\"application/json\">";
        int from = page.indexOf(open) + open.length();
        String block = page.substring(from, page.indexOf("</script>", from));
        assertThat(block).doesNotContain("<");
        assertThat(JSON.readTree(block)).isEqualTo(JSON.readTree(json));
    }

    // ---------------------------------------------------------------------------------------
    // What the page should show, computed from the JSON (the same rules as the page's comment)

    private record Expected(int pRows, int slices, int goroutines, long run, long runnable, long blocked, int steals) {}

    private record Ev(long t, int order, String type, String end) {}

    private static long ns(double us) {
        return Math.round(us * 1000);
    }

    static Expected expected(Path trace) throws IOException {
        JsonNode events = JSON.readTree(trace.toFile()).path("traceEvents");
        int pRows = 0;
        int slices = 0;
        int steals = 0;
        Map<String, List<Ev>> perG = new HashMap<>();
        for (JsonNode e : events) {
            String ph = e.path("ph").asText();
            String cat = e.path("cat").asText();
            if (ph.equals("M") && e.path("name").asText().equals("thread_name") && e.path("tid").asInt() < 10_000) {
                pRows++;
            } else if (ph.equals("X") && cat.equals("goroutine")) {
                slices++;
                long start = ns(e.path("ts").asDouble());
                long end = start + ns(e.path("dur").asDouble());
                List<Ev> l = perG.computeIfAbsent(e.path("pid").asInt() + ":" + e.path("args").path("g").asLong(),
                        k -> new ArrayList<>());
                l.add(new Ev(start, 3, "start", null));
                l.add(new Ev(end, 1, "stop", e.path("args").path("end").asText()));
            } else if (ph.equals("i")) {
                String key = e.path("pid").asInt() + ":" + e.path("args").path("g").asLong();
                long t = ns(e.path("ts").asDouble());
                switch (cat) {
                    case "create" -> perG.computeIfAbsent(key, k -> new ArrayList<>()).add(new Ev(t, 0, "create", null));
                    case "wake" -> perG.computeIfAbsent(key, k -> new ArrayList<>()).add(new Ev(t, 2, "unblock", null));
                    case "steal" -> steals++;
                    default -> { }
                }
            }
        }
        long run = 0;
        long runnable = 0;
        long blocked = 0;
        for (List<Ev> l : perG.values()) {
            l.sort(Comparator.comparingLong(Ev::t).thenComparingInt(Ev::order));
            String state = "none";
            long since = 0;
            boolean pending = false;
            for (Ev ev : l) {
                switch (ev.type()) {
                    case "create" -> {
                        if (state.equals("none")) {
                            state = "runnable";
                            since = ev.t();
                        }
                    }
                    case "start" -> {
                        if (state.equals("runnable")) {
                            runnable += ev.t() - since;
                        } else if (state.equals("blocked")) {
                            blocked += ev.t() - since;
                        }
                        state = "running";
                        since = ev.t();
                    }
                    case "stop" -> {
                        if (state.equals("running")) {
                            run += ev.t() - since;
                        }
                        if (ev.end().equals("exit")) {
                            state = "dead";
                        } else if (ev.end().equals("wait") && !pending) {
                            state = "blocked";
                        } else {
                            state = "runnable";
                        }
                        pending = false;
                        since = ev.t();
                    }
                    case "unblock" -> {
                        if (state.equals("blocked")) {
                            blocked += ev.t() - since;
                            state = "runnable";
                            since = ev.t();
                        } else if (state.equals("running")) {
                            pending = true;
                        }
                    }
                    default -> throw new AssertionError(ev);
                }
            }
        }
        return new Expected(pRows, slices, perG.size(), run, runnable, blocked, steals);
    }

    // ---------------------------------------------------------------------------------------
    // The browser

    private static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String run(Path chromium, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=10000"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium's exit status").isZero();
        return stdout;
    }

    /** The attributes of the element {@code <tag id="id" ...>} in the dumped DOM. */
    private static Map<String, String> attributes(String dom, String tag, String id) {
        Matcher m = Pattern.compile("<" + tag + "\\s[^>]*id=\"" + id + "\"[^>]*>").matcher(dom);
        assertThat(m.find()).as("<%s id=%s> in the page", tag, id).isTrue();
        Map<String, String> attrs = new HashMap<>();
        Matcher a = Pattern.compile("([\\w-]+)=\"([^\"]*)\"").matcher(m.group());
        while (a.find()) {
            attrs.put(a.group(1), a.group(2));
        }
        return attrs;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
