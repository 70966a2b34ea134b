import dev.weft.Weft;
import dev.weft.proc.SecurityContext;
import dev.weft.proc.WeftProcess;
import java.util.Map;
import java.util.concurrent.StructuredTaskScope;

/**
 * Run by ImpersonationForkTest with the single-file source launcher and --enable-preview (JDK 25's
 * StructuredTaskScope is a preview API). A thread of a process impersonates another context and
 * forks inside the scope: a fork inherits the scope's scoped-value bindings, the impersonation's
 * among them, yet must see its process's own context (the processes issue: impersonation never
 * leaks to another thread, including one started inside the scope), unless it impersonates
 * itself. Under ONE_TO_ONE the forks are the JDK's own virtual threads, outside any process: they
 * see the root process's context. Prints "OK ..." or "FAILED ..." and exits 0 or 1.
 */
public class ImpersonationScopeChild {
    public static void main(String[] args) throws Exception {
        SecurityContext alice = SecurityContext.of("alice", Map.of());
        SecurityContext mallory = SecurityContext.of("mallory", Map.of());
        SecurityContext bob = SecurityContext.of("bob", Map.of());
        String[] seen = new String[4];
        String outcome;
        try (Weft rt = Weft.builder().procs(2).name("sts").build()) {
            WeftProcess p = WeftProcess.builder("impersonator").security(alice).start(rt, () ->
                    SecurityContext.impersonate(mallory, () -> {
                        try (var scope = StructuredTaskScope.open()) {
                            var plain = scope.fork(() -> SecurityContext.current().principal());
                            var own = scope.fork(() -> SecurityContext.impersonate(bob,
                                    () -> SecurityContext.current().principal()));
                            var nested = scope.fork(() -> {
                                try (var inner = StructuredTaskScope.open()) {
                                    var grandchild = inner.fork(() -> SecurityContext.current().principal());
                                    inner.join();
                                    return grandchild.get();
                                }
                            });
                            scope.join();
                            seen[0] = plain.get();
                            seen[1] = own.get();
                            seen[2] = nested.get();
                            seen[3] = SecurityContext.current().principal();
                        } catch (InterruptedException e) {
                            throw new RuntimeException(e);
                        }
                    }));
            int code = p.waitFor();
            String processOwn = rt.model() == dev.weft.ThreadingModel.ONE_TO_ONE ? "system" : "alice";
            String got = "fork " + seen[0] + ", impersonating fork " + seen[1] + ", grandchild " + seen[2]
                    + ", the impersonator " + seen[3] + ", exit " + code;
            String want = "fork " + processOwn + ", impersonating fork bob, grandchild " + processOwn
                    + ", the impersonator mallory, exit 0";
            outcome = got.equals(want) ? "OK: " + got : "FAILED: " + got + "; expected " + want;
        }
        System.out.println(outcome);
        System.exit(outcome.startsWith("OK") ? 0 : 1);
    }
}
