package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's operating-system scene on its own, at the shortest length the command line takes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperatingSystemSceneTest {

    /**
     * {@code --os-millis 1}: the deadline passes before the processes have started their
     * threads (a process, its handles and its thread pool take longer than that to start). The
     * scene's own check asks for the HIGH process's pool to have had a tick and an event; it
     * used to get neither (its threads saw the deadline gone, did no work and posted nothing,
     * and the pool was shut down at once), so the demo failed with "the operating-system scene
     * ended wrongly", and on a loaded machine it did so at the 200 ms DemoCommandTest uses.
     */
    @Test
    void aSceneShorterThanItsStartStillEndsAsItShould() {
        List<OperatingSystemScene.Row> rows = OperatingSystemScene.run(2, Duration.ofMillis(1)); // throws if it ended wrongly
        OperatingSystemScene.Row ui = rows.get(0);
        assertThat(ui.work()).as("every HIGH thread does a burst at least").isPositive();
        assertThat(ui.pool().ticks()).isPositive();
        assertThat(ui.pool().events()).isPositive();
        assertThat(rows.get(1).handlesClosed()).isEqualTo(3);
    }
}
