package dev.weft.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.time.Time;
import java.time.Duration;
import java.time.Instant;

/** The README's @WeftTest example, verbatim, so that it keeps compiling and passing. */
class ReadmeExampleTest {
    @WeftTest(schedules = 500)
    void slowBackendTimesOut() {
        Chan<String> reply = Chan.make(1);
        Go.go(() -> { Go.sleep(Duration.ofSeconds(10)); reply.send("late"); });
        Instant start = Time.now();                                   // 2000-01-01T00:00:00Z
        int fired = new Select().recv(reply, r -> {}).after(Duration.ofSeconds(5), () -> {}).run();
        assertEquals(1, fired);                                       // the timeout won...
        assertEquals(Duration.ofSeconds(5), Duration.between(start, Time.now())); // ...in no real time
        assertEquals("late", reply.recv());                           // the reply comes at 10 s
    }
}
