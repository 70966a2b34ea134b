package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.time.Time;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SmokeTest {
    @Test
    void sleepAdvancesFakeClock() {
        Instant[] seen = new Instant[2];
        Synctest.run(1, () -> {
            seen[0] = Time.now();
            Go.sleep(Duration.ofSeconds(10));
            seen[1] = Time.now();
        });
        assertThat(seen[0]).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        assertThat(seen[1]).isEqualTo(Instant.parse("2000-01-01T00:00:10Z"));
    }

    @Test
    void pingPong() {
        int[] got = new int[1];
        Synctest.run(2, () -> {
            Chan<Integer> c = Chan.make();
            Go.go(() -> { for (int i = 0; i < 10; i++) c.send(i); c.close(); });
            for (Integer v : c) got[0] += v;
        });
        assertThat(got[0]).isEqualTo(45);
    }
}
