package dev.weft.internal.util;

import java.util.Collection;
import java.util.Objects;

/**
 * The null checks of weft's two {@code ExecutorService}s ({@code rt.executor()} and
 * {@code ThreadPool}). {@code AbstractExecutorService} and the {@code ExecutorCompletionService}
 * behind its {@code invokeAny} throw a {@code NullPointerException} with no message for a null
 * task; weft's executors check first, with messages that name what was null.
 */
public final class TaskChecks {
    private TaskChecks() {}

    /** {@code task}, or a NullPointerException naming the operation ({@code submit}, {@code invokeAll}). */
    public static <T> T task(T task, String operation) {
        return Objects.requireNonNull(task, () -> "weft: " + operation + " of a null task");
    }

    /** {@code tasks} for {@code invokeAny}, once neither it nor any of its elements is null. */
    public static <C extends Collection<?>> C invokeAnyTasks(C tasks) {
        Objects.requireNonNull(tasks, "weft: invokeAny of a null collection");
        for (Object t : tasks) {
            Objects.requireNonNull(t, "weft: invokeAny of a null task");
        }
        return tasks;
    }
}
