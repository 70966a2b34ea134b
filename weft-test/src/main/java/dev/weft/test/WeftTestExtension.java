package dev.weft.test;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs a {@link WeftTest} method under its seeded schedules: JUnit's own invocation is skipped
 * and the method is called once per seed, as the root goroutine of a new bubble
 * ({@link Synctest#attempt}). The first failing schedule ends the search with a report.
 */
public final class WeftTestExtension implements InvocationInterceptor {
    /** Trace lines a failure report shows (the last ones: those nearest the failure). */
    static final int REPORTED_STEPS = 200;

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) {
        invocation.skip();
        Method m = call.getExecutable();
        Object target = call.getTarget().orElse(null);
        Object[] args = call.getArguments().toArray();
        m.setAccessible(true);
        Runnable body = () -> {
            try {
                m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw Synctest.<RuntimeException>sneaky(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("weft: cannot call test method " + m, e);
            }
        };
        WeftTest ann = m.getAnnotation(WeftTest.class);
        long[] seeds = seeds(ann == null ? WeftTest.DEFAULT_SCHEDULES : ann.schedules());
        for (int i = 0; i < seeds.length; i++) {
            Schedule s = Synctest.attempt(seeds[i], body);
            if (s.failed()) {
                String test = m.getDeclaringClass().getName() + "#" + m.getName();
                throw new AssertionError(report(s, i + 1, seeds.length, rerunCommand(test, s.seed())), s.failure());
            }
        }
    }

    /**
     * The seeds to run: {@code -Dweft.test.seed} alone if set, else 1 to
     * {@code -Dweft.test.schedules} or the annotation's count.
     */
    static long[] seeds(int annotated) {
        String replay = System.getProperty("weft.test.seed");
        if (replay != null && !replay.isBlank()) {
            try {
                return new long[] {Long.parseLong(replay.trim())};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weft: -Dweft.test.seed=" + replay + " is not a number", e);
            }
        }
        int n = annotated;
        String more = System.getProperty("weft.test.schedules");
        if (more != null && !more.isBlank()) {
            try {
                n = Integer.parseInt(more.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weft: -Dweft.test.schedules=" + more + " is not a number", e);
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException("weft: @WeftTest needs at least one schedule, got " + n);
        }
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
            seeds[i] = i + 1;
        }
        return seeds;
    }

    /** The command that reruns exactly one schedule of one test, from the project's root. */
    static String rerunCommand(String test, long seed) {
        String module = new File(System.getProperty("user.dir")).getName();
        return "./mvnw -B -q -pl " + module + " test -Dtest='" + test + "' -Dweft.test.seed=" + seed
                + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /** The failure report: seed, steps, the rerun command, the failure and the trace's tail. */
    static String report(Schedule s, int index, int of, String command) {
        List<String> t = s.trace();
        return "weft: failed under schedule seed=" + s.seed() + " (schedule " + index + " of " + of + ", "
                + s.steps() + " steps)\n"
                + "rerun exactly this schedule:\n  " + command + "\n"
                + "failure: " + s.failureText() + "\n"
                + "event trace (" + Math.min(REPORTED_STEPS, t.size()) + " last steps):\n"
                + s.traceTail(REPORTED_STEPS);
    }
}
