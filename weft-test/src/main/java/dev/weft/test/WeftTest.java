package dev.weft.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test that runs inside a synctest bubble (fake time, see {@link Synctest}) once per
 * seeded schedule: seeds 1 to {@link #schedules()}, a fixed list, so the suite is deterministic.
 * The first schedule that fails fails the test, with its seed, its step count, the one-line
 * command that reruns exactly that schedule, and its trace of scheduling steps.
 *
 * <p>{@code -Dweft.test.seed=N} runs only seed N (a replay); {@code -Dweft.test.schedules=N}
 * searches seeds 1 to N instead of the annotation's number. The method runs once per schedule on
 * the same test instance: keep its state in local variables.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Test
@ExtendWith(WeftTestExtension.class)
public @interface WeftTest {
    /** The number of schedules a test runs unless it says otherwise. */
    int DEFAULT_SCHEDULES = 100;

    /** How many seeded schedules to run (seeds 1 to this). */
    int schedules() default DEFAULT_SCHEDULES;
}
